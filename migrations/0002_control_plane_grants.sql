-- Control-plane tables are read by the API's own (owning) role during token issuance and
-- verification. The tenant role gets nothing there: no private keys, no secret hashes.
REVOKE ALL ON "signing_keys", "api_clients", "organizations", "apps" FROM showrunner_app;
