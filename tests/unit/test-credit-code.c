/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Pins the unified social credit code check (GB 32100-2015) against codes
 * published by real enterprises and institutions, and pins the message each
 * kind of mistake gets, since API clients show those messages to users. */
#include "lj-credit-code.h"

#include <string.h>

static const char *const msg_length = "must be 18 characters";
static const char *const msg_alphabet =
  "must use only digits and capital letters other than I, O, S, V and Z";
static const char *const msg_division =
  "administrative division code (characters 3-8) must be digits";
static const char *const msg_check = "check character is wrong";

/* Published codes, chosen so the check characters cover digits, letters,
 * 'X', 'Y' and the "remainder 0 is written 0" case, and the registration
 * authorities cover 1 (institutions), 5 (civil affairs) and 9 (market
 * regulation), with both old nine-digit and new "MA" organisation codes. */
static const char *const published_codes[] = {
  "91350100M000100Y43",  /* the example in GB 32100-2015 itself */
  "91440300708461136T",
  "914403001922038216",
  "91110108551385082Q",
  "91110000802100433B",
  "91330100716105852F",
  "91110105771583283D",
  "91110108740084270C",
  "91110108735106340Y",
  "911101077776591113",
  "91440300359143307G",
  "91341000MA2N0ABGXX",
  "91460600MA5RC30P9Y",
  "913101135696449862",
  "92510100MA61WJ3204",
  "112302070019030687",
  "11610923MB2900168E",
  "1134082855783407XL",
  "121526004609138637",
  "51610700305332460K",
  "52610500MJU60350X1",
  "52440111MJK9980480",  /* weighted sum divisible by 31: check is 0 */
  "52120000MJ0529018E",
};

static void
test_published_codes_validate (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (published_codes); i++)
    {
      const char *message = "not set";

      g_test_message ("%s", published_codes[i]);
      g_assert_true (lj_credit_code_validate (published_codes[i], &message));
      g_assert_null (message);
    }
}

static void
test_check_char_matches_published (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (published_codes); i++)
    {
      char first17[LJ_CREDIT_CODE_LENGTH];

      memcpy (first17, published_codes[i], LJ_CREDIT_CODE_LENGTH - 1);
      first17[LJ_CREDIT_CODE_LENGTH - 1] = '\0';
      g_assert_cmpint (lj_credit_code_check_char (first17), ==,
                       published_codes[i][LJ_CREDIT_CODE_LENGTH - 1]);
    }
}

static void
assert_refused (const char *code, const char *expected)
{
  const char *message = NULL;

  g_test_message ("%s", code);
  g_assert_false (lj_credit_code_validate (code, &message));
  g_assert_cmpstr (message, ==, expected);
}

static void
test_wrong_check_char (void)
{
  assert_refused ("91350100M000100Y44", msg_check);
  assert_refused ("91350100M000100Y40", msg_check);
  assert_refused ("91440300708461136U", msg_check);
  /* Sometimes quoted as a valid example, but its check character is U. */
  assert_refused ("911101081029141813", msg_check);
  /* Swapping two characters is the typo the weights are there to catch. */
  assert_refused ("91350100M000010Y43", msg_check);
}

static void
test_wrong_length (void)
{
  assert_refused ("", msg_length);
  assert_refused ("91350100M000100Y4", msg_length);
  assert_refused ("91350100M000100Y433", msg_length);
  assert_refused ("91350100M000100Y43 ", msg_length);
  /* Multi-byte characters are counted as bytes, never as valid ones. */
  assert_refused ("统一社会信用代码九一三五零", msg_length);
}

static void
test_forbidden_letters (void)
{
  assert_refused ("91350100I000100Y43", msg_alphabet);
  assert_refused ("91350100O000100Y43", msg_alphabet);
  assert_refused ("91350100S000100Y43", msg_alphabet);
  assert_refused ("91350100V000100Y43", msg_alphabet);
  assert_refused ("91350100Z000100Y43", msg_alphabet);
  assert_refused ("91350100M000100Y4-", msg_alphabet);
  assert_refused ("91350100M00010 Y43", msg_alphabet);
}

static void
test_lowercase_refused (void)
{
  assert_refused ("91350100m000100y43", msg_alphabet);
  assert_refused ("91341000ma2n0abgxx", msg_alphabet);
  g_assert_cmpint (lj_credit_code_check_char ("91350100m000100y4"), ==, '\0');
}

static void
test_division_must_be_digits (void)
{
  /* Letters from the alphabet, right length, but not where digits belong. */
  assert_refused ("91A50100M000100Y43", msg_division);
  assert_refused ("913501M0M000100Y43", msg_division);
}

static void
test_null_message_is_safe (void)
{
  g_assert_false (lj_credit_code_validate ("91350100M000100Y44", NULL));
  g_assert_false (lj_credit_code_validate ("short", NULL));
  g_assert_false (lj_credit_code_validate ("91350100O000100Y43", NULL));
  g_assert_true (lj_credit_code_validate ("91350100M000100Y43", NULL));
}

static void
test_check_char_refuses_bad_input (void)
{
  g_assert_cmpint (lj_credit_code_check_char ("91350100M000100"), ==, '\0');
  g_assert_cmpint (lj_credit_code_check_char (""), ==, '\0');
  g_assert_cmpint (lj_credit_code_check_char ("91350100M0O0100Y4"), ==, '\0');
  /* A full code is accepted: only its first 17 characters are read. */
  g_assert_cmpint (lj_credit_code_check_char ("91350100M000100Y43"), ==, '3');
}

static void
test_null_code_is_programmer_error (void)
{
  if (g_test_subprocess ())
    {
      lj_credit_code_validate (NULL, NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*code != NULL*");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/credit-code/validate/published-codes", test_published_codes_validate);
  g_test_add_func ("/credit-code/check-char/matches-published", test_check_char_matches_published);
  g_test_add_func ("/credit-code/validate/wrong-check-char", test_wrong_check_char);
  g_test_add_func ("/credit-code/validate/wrong-length", test_wrong_length);
  g_test_add_func ("/credit-code/validate/forbidden-letters", test_forbidden_letters);
  g_test_add_func ("/credit-code/validate/lowercase-refused", test_lowercase_refused);
  g_test_add_func ("/credit-code/validate/division-must-be-digits", test_division_must_be_digits);
  g_test_add_func ("/credit-code/validate/null-message-is-safe", test_null_message_is_safe);
  g_test_add_func ("/credit-code/check-char/refuses-bad-input", test_check_char_refuses_bad_input);
  g_test_add_func ("/credit-code/validate/null-code-is-programmer-error", test_null_code_is_programmer_error);

  return g_test_run ();
}
