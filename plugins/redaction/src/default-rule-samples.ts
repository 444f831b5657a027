// A line per built-in rule with what it masks, and what the line becomes: the rules' specs and
// docs/redaction.md use them. The keys are documentation examples or made up.
export const SAMPLES: Record<string, readonly [string, string]> = {
  jwt: [
    'auth ok token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U user=1',
    'auth ok token=[REDACTED:jwt] user=1',
  ],
  'bearer-token': [
    'GET /v1 Authorization: Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0 200',
    'GET /v1 Authorization: Bearer [REDACTED:bearer-token] 200',
  ],
  'basic-auth': ['headers: {"authorization": "Basic dXNlcjpodW50ZXIy"}', 'headers: {"authorization": "Basic [REDACTED:basic-auth]"}'],
  'aws-access-key-id': ['using key AKIAIOSFODNN7EXAMPLE for s3', 'using key [REDACTED:aws-access-key-id] for s3'],
  'aws-secret-access-key': [
    'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'AWS_SECRET_ACCESS_KEY=[REDACTED:aws-secret-access-key]',
  ],
  'gcp-api-key': ['maps key AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe loaded', 'maps key [REDACTED:gcp-api-key] loaded'],
  'github-token': ['clone with ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 ok', 'clone with [REDACTED:github-token] ok'],
  'slack-token': ['slack xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOp posted', 'slack [REDACTED:slack-token] posted'],
  'slack-webhook': [
    'notify https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX done',
    'notify [REDACTED:slack-webhook] done',
  ],
  'azure-key': [
    'conn DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq==;',
    'conn DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=[REDACTED:azure-key];',
  ],
  'azure-sas': [
    'GET https://acct.blob.core.windows.net/c/b?sv=2022-11-02&sig=AbCdEfGhIjKlMnOpQrStUv%2BwXyZ0123%3D 200',
    'GET https://acct.blob.core.windows.net/c/b?sv=2022-11-02&sig=[REDACTED:azure-sas] 200',
  ],
  'secret-assignment': ['db connect password=hunter2! host=db', 'db connect password=[REDACTED:secret-assignment] host=db'],
  email: ['invite sent to jane.doe+ops@example.co.uk.', 'invite sent to [REDACTED:email].'],
};
