-- What running clusters need beyond their spec: the sealed cluster key, the ports handed to their
-- Slurm daemons, and the instances launched for their nodes. Same conventions as V1.

CREATE TABLE cluster_secrets (
  cluster_id    VARCHAR NOT NULL,
  sealed_secret VARCHAR NOT NULL,
  CONSTRAINT cluster_secrets_pk PRIMARY KEY (cluster_id)
);

-- The port is the key: two clusters (or two server replicas) can never hold the same port.
CREATE TABLE port_allocations (
  port       INTEGER NOT NULL,
  cluster_id VARCHAR NOT NULL,
  owner      VARCHAR NOT NULL,
  CONSTRAINT port_allocations_pk PRIMARY KEY (port),
  CONSTRAINT port_allocations_owner_uq UNIQUE (cluster_id, owner)
);

-- One row per launch. The bootstrap id is the single-use credential an instance's agent presents.
CREATE TABLE node_instances (
  bootstrap_id      VARCHAR NOT NULL,
  cluster_id        VARCHAR NOT NULL,
  node_group_id     VARCHAR NOT NULL,
  node_name         VARCHAR NOT NULL,
  instance_id       VARCHAR,
  instance_type     VARCHAR NOT NULL,
  launch_token      VARCHAR NOT NULL,
  state             VARCHAR NOT NULL,
  message           VARCHAR,
  created_at_ns     BIGINT NOT NULL,
  registered_at_ns  BIGINT,
  heartbeat_at_ns   BIGINT,
  version           BIGINT NOT NULL,
  CONSTRAINT node_instances_pk PRIMARY KEY (bootstrap_id)
);
CREATE INDEX node_instances_cluster_ix ON node_instances (cluster_id);
