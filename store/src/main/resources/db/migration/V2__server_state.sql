-- Server state that is not a PCS resource. Same conventions as V1 (timestamps in epoch ns).

CREATE TABLE idempotency (
  client_token  VARCHAR NOT NULL,
  operation     VARCHAR NOT NULL,
  request_hash  VARCHAR NOT NULL,
  response      VARCHAR NOT NULL,
  created_at_ns BIGINT NOT NULL,
  CONSTRAINT idempotency_pk PRIMARY KEY (client_token)
);
-- Purging by age must not scan the table.
CREATE INDEX idempotency_created_ix ON idempotency (created_at_ns);

CREATE TABLE access_keys (
  access_key_id VARCHAR NOT NULL,
  sealed_secret VARCHAR NOT NULL,
  description   VARCHAR,
  admin         BOOLEAN NOT NULL,
  created_at_ns BIGINT NOT NULL,
  CONSTRAINT access_keys_pk PRIMARY KEY (access_key_id)
);

-- "key"/"value" are keywords in H2, hence the prefixed column names.
CREATE TABLE settings (
  setting_key   VARCHAR NOT NULL,
  setting_value VARCHAR NOT NULL,
  CONSTRAINT settings_pk PRIMARY KEY (setting_key)
);
