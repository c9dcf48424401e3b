/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Version macros and the export tag.  Everything a plugin may call carries
 * LJ_AVAILABLE_IN_x_y; the library is built with hidden visibility, so an
 * untagged function cannot leak into the ABI by accident. */
#pragma once

#if !defined(__LIANJIAN_H_INSIDE__) && !defined(LIANJIAN_COMPILATION)
#error "Only <lianjian/lianjian.h> can be included directly."
#endif

#include <glib.h>

#define LJ_MAJOR_VERSION 1
#define LJ_MINOR_VERSION 0
#define LJ_MICRO_VERSION 0

#define LJ_CHECK_VERSION(major, minor, micro) \
  (LJ_MAJOR_VERSION > (major) || \
   (LJ_MAJOR_VERSION == (major) && LJ_MINOR_VERSION > (minor)) || \
   (LJ_MAJOR_VERSION == (major) && LJ_MINOR_VERSION == (minor) && LJ_MICRO_VERSION >= (micro)))

#define _LJ_EXTERN __attribute__((visibility ("default"))) extern

#define LJ_AVAILABLE_IN_ALL _LJ_EXTERN
#define LJ_AVAILABLE_IN_1_0 _LJ_EXTERN

LJ_AVAILABLE_IN_1_0
const char *lj_version_string (void);
