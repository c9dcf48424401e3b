/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one header plugins and embedders include. */
#pragma once

#define __LIANJIAN_H_INSIDE__

#include <lianjian/lj-version.h>
#include <lianjian/lj-request.h>
#include <lianjian/lj-resource.h>
#include <lianjian/lj-app.h>
#include <lianjian/lj-clock.h>
#include <lianjian/lj-sql.h>
#include <lianjian/lj-plugin.h>

#undef __LIANJIAN_H_INSIDE__
