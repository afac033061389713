#ifndef TOKENLAB_CLIBCRYPTO_H
#define TOKENLAB_CLIBCRYPTO_H

#include <stddef.h>
#include <stdint.h>

/// An HMAC-SHA256 key (RFC 2104) held as two SHA-256 states of the system
/// OpenSSL libcrypto, each after absorbing the key XOR ipad / opad once.
typedef struct tl_hmac_key tl_hmac_key;

/// NULL if libcrypto cannot make the states.
tl_hmac_key *tl_hmac_key_new(const uint8_t *key, size_t length);
void tl_hmac_key_free(tl_hmac_key *key);

/// Writes the 32-byte HMAC of `message` to `out`; 0 if libcrypto failed.
int tl_hmac_sha256(const tl_hmac_key *key, const void *message, size_t length, uint8_t *out);

/// Writes the 32-byte SHA-256 of `message` to `out`; 0 if libcrypto failed.
int tl_sha256(const void *message, size_t length, uint8_t *out);

#endif
