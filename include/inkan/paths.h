/* inkan — where inkan's files are by default, for every program: the
 * settings, the pins files, the state and cache directories, with the
 * environment overrides the CLI has always honoured. */
#ifndef INKAN_PATHS_H
#define INKAN_PATHS_H

#include <inkan/export.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The validation settings file: $INKAN_VALIDATE_CONF when set, else the
 * system's (SYSCONFDIR/inkan/validate.conf) when it exists, else NULL.
 * The system's file is optional; one the environment names is not (it
 * fails when loaded if missing), and $INKAN_VALIDATE_CONF="" names none:
 * then "" comes back. */
INKAN_API const char *inkan_path_validate_conf (void);

/* The system CA pins file (SYSCONFDIR/inkan/ca-pins), whether or not it exists. */
INKAN_API const char *inkan_path_ca_pins (void);

/* The directory of the pins files inkan ships for public CAs
 * (DATADIR/inkan/pins: jpki.pins, ...). */
INKAN_API const char *inkan_path_pins_dir (void);

/* The per-user state directory (PIN records live in its "pin"):
 * $XDG_STATE_HOME/inkan, else ~/.local/state/inkan; relative values of
 * those variables are ignored, as the XDG specification says.  free()d by
 * the caller; NULL when neither is set (or out of memory). */
INKAN_API char *inkan_path_state_dir (void);

/* The validator's cache directory: $INKAN_CACHE_DIR ("" for no cache:
 * NULL), else $XDG_CACHE_HOME/inkan/validate, else
 * ~/.cache/inkan/validate.  free()d by the caller; NULL for none. */
INKAN_API char *inkan_path_cache_dir (void);

#ifdef __cplusplus
}
#endif

#endif
