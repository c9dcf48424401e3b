/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Opaque bearer tokens: 32 bytes from libsodium's CSPRNG, sent as `lj_`
 * and 43 characters of unpadded base64url (the prefix makes a leaked token
 * easy to grep for), stored only as the SHA-256 of the 32 bytes.  A token
 * is found by its hash, so no secret is ever compared in timing an
 * attacker controls. */
#include "lj-auth-private.h"

#include <string.h>

#define LJ_TOKEN_B64_LEN 43

char *
lj_token_generate (guint8 hash[LJ_TOKEN_HASH_BYTES])
{
  unsigned char raw[LJ_TOKEN_BYTES];
  char b64[sodium_base64_ENCODED_LEN (LJ_TOKEN_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  char *text;

  lj_password_init ();
  randombytes_buf (raw, sizeof raw);
  sodium_bin2base64 (b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  crypto_hash_sha256 (hash, raw, sizeof raw);
  text = g_strconcat (LJ_TOKEN_PREFIX, b64, NULL);
  sodium_memzero (raw, sizeof raw);
  sodium_memzero (b64, sizeof b64);
  return text;
}

gboolean
lj_token_parse (const char *text, guint8 hash[LJ_TOKEN_HASH_BYTES])
{
  unsigned char raw[LJ_TOKEN_BYTES];
  size_t len = 0;
  const char *b64;

  if (!g_str_has_prefix (text, LJ_TOKEN_PREFIX))
    return FALSE;
  b64 = text + strlen (LJ_TOKEN_PREFIX);
  if (strlen (b64) != LJ_TOKEN_B64_LEN)
    return FALSE;
  lj_password_init ();
  if (sodium_base642bin (raw, sizeof raw, b64, LJ_TOKEN_B64_LEN, NULL, &len, NULL,
                         sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 || len != LJ_TOKEN_BYTES)
    return FALSE;
  crypto_hash_sha256 (hash, raw, sizeof raw);
  sodium_memzero (raw, sizeof raw);
  return TRUE;
}

/* Unix seconds as the RFC 3339 text every API timestamp uses. */
char *
lj_auth_format_time (gint64 seconds)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (seconds);

  return dt ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ") : NULL;
}
