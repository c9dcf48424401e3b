/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The unified social credit code (统一社会信用代码, GB 32100-2015) that
 * identifies every enterprise: 18 characters from a 31-character alphabet
 * (digits and capital letters other than I, O, S, V and Z), laid out as
 * registration authority (1), organisation category (2), administrative
 * division (3-8, six digits), organisation code (9-17, the GB 11714 body) and
 * a check character (18) computed modulo 31.  The resource engine uses this to
 * refuse mistyped codes before they reach the database, and the demo loader
 * uses it to mint valid codes.  Private to the core: not installed. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LJ_CREDIT_CODE_LENGTH 18

/* Returns TRUE when @code is a well-formed credit code with the right check
 * character.  On FALSE, *@message (if @message is not NULL) is set to a
 * static English string for API clients: "must be 18 characters", "must use
 * only digits and capital letters other than I, O, S, V and Z",
 * "administrative division code (characters 3-8) must be digits", "check
 * character is wrong".  Lowercase input is refused: clients must send the
 * canonical form, so that the UNIQUE index on credit_code cannot be dodged by
 * changing case.  @code must not be NULL (a programmer error). */
gboolean lj_credit_code_validate   (const char  *code,
                                    const char **message);

/* Computes the check character for the first 17 characters of @first17,
 * which must all belong to the credit-code alphabet (further characters, such
 * as an existing check character, are ignored).  Returns '\0' if @first17 is
 * shorter than 17 characters or uses a character outside the alphabet. */
char     lj_credit_code_check_char (const char  *first17);

G_END_DECLS
