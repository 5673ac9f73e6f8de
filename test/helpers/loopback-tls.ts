/**
 * A certificate and key for a TLS server on 127.0.0.1 in tests only (not a secret: it guards nothing), made once with
 * `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500 -subj /CN=127.0.0.1
 * -addext subjectAltName=IP:127.0.0.1`, valid until 2126. A client trusts it by taking the certificate as its CA.
 */
export const LOOPBACK_TLS = {
  cert: `-----BEGIN CERTIFICATE-----
MIIBjzCCATagAwIBAgIUJ4C16jYRv2nfl7y8u/uvy6m5HTowCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTIwMjA5MzIzM1oYDzIxMjYxMTA4
MDkzMjMzWjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAARMXKbJsbqTuOb62H7CyJNZsqHbAkvjcrXiFr8mc7tozB7TsF1A2hEw
3AmjC7rio17jajC/QCUMCGBqH1VDs9BLo2QwYjAdBgNVHQ4EFgQULabOZq0+pvQ9
bvofE2nfndPPFpswHwYDVR0jBBgwFoAULabOZq0+pvQ9bvofE2nfndPPFpswDwYD
VR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0cAMEQC
IAt5hqd0mEs6rF5WOys9rNhDljoSQggBjALLHCNRlGkQAiBNYjulT5VTRYljsFAj
B4G34XLOb5CGvL6vYlPs1JyK7Q==
-----END CERTIFICATE-----`,
  key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgS+YrW89UbMffz/mQ
mPqn3apl3NfOOepfWe1owd0my8ShRANCAARMXKbJsbqTuOb62H7CyJNZsqHbAkvj
crXiFr8mc7tozB7TsF1A2hEw3AmjC7rio17jajC/QCUMCGBqH1VDs9BL
-----END PRIVATE KEY-----`,
};
