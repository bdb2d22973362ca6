/* inkan — the library context: which PKCS#11 modules are in play. */
#ifndef INKAN_CTX_H
#define INKAN_CTX_H

#include <inkan/export.h>
#include <inkan/error.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct inkan_ctx inkan_ctx;

/*
 * A context owns the loaded PKCS#11 modules.  With no module path set, the
 * modules registered with p11-kit are used; with one, exactly that module.
 * Modules are loaded on first use, not here, so that a context is cheap.
 */
INKAN_API inkan_err inkan_ctx_new (inkan_ctx **out);
INKAN_API void inkan_ctx_free (inkan_ctx *ctx);

/* Use exactly the module at PATH instead of p11-kit's registry.  Only
 * before the first call that needs modules. */
INKAN_API inkan_err inkan_ctx_set_module (inkan_ctx *ctx, const char *path);

/*
 * What went wrong on the last failed inkan call in this thread, in words
 * ("no private key matches pkcs11:object=foo"), or "" after none.  Valid
 * until the next inkan call in the same thread.
 */
INKAN_API const char *inkan_detail (void);

#ifdef __cplusplus
}
#endif

#endif
