// HMAC-SHA256 and SHA-256 through the system libcrypto's EVP interface
// (OpenSSL 3, non-deprecated calls only). Each MAC copies a precomputed
// state into a per-thread scratch context: no keying and no context
// allocated by the caller per use, which is what made swift-crypto's
// public API cost about twice the hashing itself on the bench's hot path.
#include "CLibCrypto.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

struct tl_hmac_key {
    EVP_MD_CTX *inner;
    EVP_MD_CTX *outer;
};

// One scratch context per thread: a study runs worlds on several threads.
static _Thread_local EVP_MD_CTX *scratch;
static _Thread_local EVP_MD_CTX *empty_sha256;

static EVP_MD_CTX *scratch_context(void) {
    if (scratch == NULL) scratch = EVP_MD_CTX_new();
    return scratch;
}

static EVP_MD_CTX *absorbed(const uint8_t block[64], uint8_t pad) {
    uint8_t padded[64];
    for (int i = 0; i < 64; i++) padded[i] = block[i] ^ pad;
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    if (context == NULL) return NULL;
    if (!EVP_DigestInit_ex(context, EVP_sha256(), NULL) || !EVP_DigestUpdate(context, padded, 64)) {
        EVP_MD_CTX_free(context);
        return NULL;
    }
    return context;
}

tl_hmac_key *tl_hmac_key_new(const uint8_t *key, size_t length) {
    uint8_t block[64] = {0};
    if (length > 64) {
        if (!tl_sha256(key, length, block)) return NULL;  // RFC 2104 §2: a long key is hashed first
    } else if (length > 0) {
        memcpy(block, key, length);
    }
    tl_hmac_key *made = calloc(1, sizeof *made);
    if (made == NULL) return NULL;
    made->inner = absorbed(block, 0x36);
    made->outer = absorbed(block, 0x5c);
    if (made->inner == NULL || made->outer == NULL) {
        tl_hmac_key_free(made);
        return NULL;
    }
    return made;
}

void tl_hmac_key_free(tl_hmac_key *key) {
    if (key == NULL) return;
    EVP_MD_CTX_free(key->inner);
    EVP_MD_CTX_free(key->outer);
    free(key);
}

int tl_hmac_sha256(const tl_hmac_key *key, const void *message, size_t length, uint8_t *out) {
    EVP_MD_CTX *context = scratch_context();
    unsigned int written = 0;
    if (context == NULL) return 0;
    if (!EVP_MD_CTX_copy_ex(context, key->inner) || !EVP_DigestUpdate(context, message, length)
        || !EVP_DigestFinal_ex(context, out, &written)) return 0;
    if (!EVP_MD_CTX_copy_ex(context, key->outer) || !EVP_DigestUpdate(context, out, 32)
        || !EVP_DigestFinal_ex(context, out, &written)) return 0;
    return written == 32;
}

int tl_sha256(const void *message, size_t length, uint8_t *out) {
    if (empty_sha256 == NULL) {
        empty_sha256 = EVP_MD_CTX_new();
        if (empty_sha256 == NULL) return 0;
        if (!EVP_DigestInit_ex(empty_sha256, EVP_sha256(), NULL)) {
            EVP_MD_CTX_free(empty_sha256);
            empty_sha256 = NULL;
            return 0;
        }
    }
    EVP_MD_CTX *context = scratch_context();
    unsigned int written = 0;
    if (context == NULL) return 0;
    if (!EVP_MD_CTX_copy_ex(context, empty_sha256) || !EVP_DigestUpdate(context, message, length)
        || !EVP_DigestFinal_ex(context, out, &written)) return 0;
    return written == 32;
}
