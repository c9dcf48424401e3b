/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Validation and check-character computation for the unified social credit
 * code (GB 32100-2015).  The check is the standard's weighted sum modulo 31;
 * the weights are 3^i mod 31, which is why they look arbitrary.  Only the
 * layout the standard fixes for every code is enforced: the registration
 * authority and category codes vary by issuing body and have been extended
 * over the years, so refusing unknown ones would reject real enterprises. */
#include "lj-credit-code.h"

#include <string.h>

/* Characters 1-17 carry the data; character 18 is the check. */
#define LJ_CREDIT_CODE_BODY_LENGTH 17
#define LJ_CREDIT_CODE_MODULUS 31
/* The administrative division code is characters 3-8 (0-based 2..7). */
#define LJ_CREDIT_CODE_DIVISION_START 2
#define LJ_CREDIT_CODE_DIVISION_LENGTH 6

/* The alphabet in value order: a character's value is its index.  I, O, S, V
 * and Z are left out because they are easily confused with 1, 0, 5, U and 2. */
static const char credit_code_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static const guint credit_code_weights[LJ_CREDIT_CODE_BODY_LENGTH] = {
  1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
};

G_STATIC_ASSERT (sizeof credit_code_alphabet - 1 == LJ_CREDIT_CODE_MODULUS);
G_STATIC_ASSERT (LJ_CREDIT_CODE_LENGTH == LJ_CREDIT_CODE_BODY_LENGTH + 1);

/* Returns the value 0..30 of @c, or -1 if @c is not in the alphabet.
 * strchr() alone would also "find" the terminating NUL. */
static int
credit_code_char_value (char c)
{
  const char *found;

  if (c == '\0')
    return -1;
  found = strchr (credit_code_alphabet, c);
  return found != NULL ? (int) (found - credit_code_alphabet) : -1;
}

static gboolean
credit_code_uses_alphabet (const char *code, gsize length)
{
  for (gsize i = 0; i < length; i++)
    if (credit_code_char_value (code[i]) < 0)
      return FALSE;
  return TRUE;
}

static gboolean
credit_code_division_is_digits (const char *code)
{
  for (gsize i = 0; i < LJ_CREDIT_CODE_DIVISION_LENGTH; i++)
    if (!g_ascii_isdigit (code[LJ_CREDIT_CODE_DIVISION_START + i]))
      return FALSE;
  return TRUE;
}

char
lj_credit_code_check_char (const char *first17)
{
  guint sum = 0;
  guint check;

  g_return_val_if_fail (first17 != NULL, '\0');

  for (gsize i = 0; i < LJ_CREDIT_CODE_BODY_LENGTH; i++)
    {
      /* A NUL here means the string is too short; it has no value either. */
      int value = credit_code_char_value (first17[i]);

      if (value < 0)
        return '\0';
      sum += (guint) value * credit_code_weights[i];
    }

  /* The standard maps a remainder of 0 to "31", which is then written 0. */
  check = LJ_CREDIT_CODE_MODULUS - sum % LJ_CREDIT_CODE_MODULUS;
  if (check == LJ_CREDIT_CODE_MODULUS)
    check = 0;
  return credit_code_alphabet[check];
}

static gboolean
credit_code_refuse (const char **message, const char *why)
{
  if (message != NULL)
    *message = why;
  return FALSE;
}

gboolean
lj_credit_code_validate (const char *code, const char **message)
{
  g_return_val_if_fail (code != NULL, FALSE);

  if (strlen (code) != LJ_CREDIT_CODE_LENGTH)
    return credit_code_refuse (message, "must be 18 characters");
  if (!credit_code_uses_alphabet (code, LJ_CREDIT_CODE_LENGTH))
    return credit_code_refuse (message,
                               "must use only digits and capital letters other than I, O, S, V and Z");
  if (!credit_code_division_is_digits (code))
    return credit_code_refuse (message,
                               "administrative division code (characters 3-8) must be digits");
  if (lj_credit_code_check_char (code) != code[LJ_CREDIT_CODE_BODY_LENGTH])
    return credit_code_refuse (message, "check character is wrong");

  if (message != NULL)
    *message = NULL;
  return TRUE;
}
