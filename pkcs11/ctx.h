/* The context's insides: the modules it loads (pkcs11/module.c) and the
 * settings of the PIN guard above it. */
#ifndef INKAN_CTX_INTERNAL_H
#define INKAN_CTX_INTERNAL_H

#include <pthread.h>
#include <p11-kit/p11-kit.h>
#include <inkan/ctx.h>

struct inkan_ctx {
	pthread_mutex_t lock;
	char *module_path;              /* NULL: p11-kit's registry */
	int loaded;
	CK_FUNCTION_LIST **modules;     /* NULL-terminated, once loaded */
	char *pin_record_dir;           /* NULL: the user's state directory */
	int pin_max_tries;              /* 0: the default */
};

/* The modules, loaded on first call.  The array lives as long as CTX. */
inkan_err inkan_ctx_modules (inkan_ctx *ctx, CK_FUNCTION_LIST ***out);

/* pkcs11/module.c */
inkan_err inkan_p11_modules_load (const char *path, CK_FUNCTION_LIST ***out);
void inkan_p11_modules_release (const char *path, CK_FUNCTION_LIST **modules);

#endif
