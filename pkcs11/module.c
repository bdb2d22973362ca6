/* Loading PKCS#11 modules: p11-kit's registry, or one module by path. */
#include <stdlib.h>

#include "pkcs11/ctx.h"
#include "src/util/internal.h"

inkan_err
inkan_p11_modules_load (const char *path, CK_FUNCTION_LIST ***out)
{
	CK_FUNCTION_LIST **mods = NULL;
	CK_FUNCTION_LIST *mod = NULL;
	CK_RV rv;

	if (path == NULL) {
		/* Modules that fail to load are skipped by p11-kit (and logged
		 * by it); only a registry with nothing usable is an error. */
		mods = p11_kit_modules_load_and_initialize (0);
		if (mods == NULL)
			return inkan_fail (INKAN_ERR_MODULE, _("cannot load the modules registered with p11-kit: %s"),
			                   p11_kit_message () ? p11_kit_message () : _("unknown reason"));
		*out = mods;
		return INKAN_OK;
	}

	/* A managed module: p11-kit initialises it with CKF_OS_LOCKING_OK,
	 * which SoftHSM2 needs to be safe in threads. */
	mod = p11_kit_module_load (path, 0);
	if (mod == NULL)
		return inkan_fail (INKAN_ERR_MODULE, _("cannot load PKCS#11 module %s: %s"), path,
		                   p11_kit_message () ? p11_kit_message () : _("unknown reason"));
	rv = p11_kit_module_initialize (mod);
	if (rv != CKR_OK) {
		p11_kit_module_release (mod);
		return inkan_fail (INKAN_ERR_MODULE, _("cannot initialise PKCS#11 module %s: %s"), path,
		                   p11_kit_strerror (rv));
	}
	mods = calloc (2, sizeof *mods);
	if (mods == NULL) {
		p11_kit_module_finalize (mod);
		p11_kit_module_release (mod);
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	}
	mods[0] = mod;
	*out = mods;
	return INKAN_OK;
}

void
inkan_p11_modules_release (const char *path, CK_FUNCTION_LIST **modules)
{
	if (modules == NULL)
		return;
	if (path == NULL) {
		p11_kit_modules_finalize_and_release (modules);
		return;
	}
	p11_kit_module_finalize (modules[0]);
	p11_kit_module_release (modules[0]);
	free (modules);
}
