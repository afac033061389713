"""Verifies tokens minted by tokenlab with an independent JOSE library
(joserfc), using only the JWK Set that `keys` prints: HS256 and RS256.
Run by .ci/run after `swift test`; exits non-zero on any failure."""
import json
import subprocess
import sys

from joserfc import jwt
from joserfc.jwk import KeySet

binary = sys.argv[1]
script = "login alice\nkeys\ndecode at1\nset signing RS256\nlogin bob\ndecode at2\n"
out = subprocess.run([binary], input=script, capture_output=True, text=True, check=True).stdout.splitlines()
start = next(i for i, line in enumerate(out) if line.startswith("{"))
end = next(i for i, line in enumerate(out) if line.startswith("}"))
keys = KeySet.import_key_set(json.loads("\n".join(out[start:end + 1])))
for token_id, alg, user in (("at1", "HS256", "alice"), ("at2", "RS256", "bob")):
    token = next(line.split(": ", 1)[1] for line in out if line.startswith(token_id + ": "))
    decoded = jwt.decode(token, keys, algorithms=[alg])
    assert decoded.header["alg"] == alg and decoded.header["typ"] == "at+jwt", decoded.header
    assert decoded.claims["sub"] == user, decoded.claims
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    try:
        jwt.decode(tampered, keys, algorithms=[alg])
    except Exception:
        pass
    else:
        sys.exit(f"a tampered {alg} token verified")
    print(f"{token_id}: {alg} token verified by joserfc with the JWK Set from `keys`; a tampered copy was refused")
