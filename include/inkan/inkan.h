/* inkan — signing with keys in IC cards and HSMs, and checking the
 * certificates behind them.  Include this for the whole public API. */
#ifndef INKAN_H
#define INKAN_H

#include <inkan/error.h>
#include <inkan/hex.h>
#include <inkan/paths.h>
#include <inkan/clock.h>
#include <inkan/base64.h>
#include <inkan/file.h>
#include <inkan/ctx.h>
#include <inkan/secret.h>
#include <inkan/token.h>
#include <inkan/object.h>
#include <inkan/key.h>
#include <inkan/name.h>
#include <inkan/pin.h>
#include <inkan/view-token.h>
#include <inkan/cms.h>
#include <inkan/register.h>
#include <inkan/evidence.h>
#include <inkan/reader.h>
#include <inkan/card.h>
#include <inkan/validate.h>
#include <inkan/cert.h>
#include <inkan/csr.h>
#include <inkan/ca.h>
#include <inkan/audit.h>
#include <inkan/enroll.h>

#endif
