-- Resources: spec (API-owned), status (controller-owned) and bookkeeping, one row each.
--
-- One script for H2 (MODE=PostgreSQL) and PostgreSQL, so only standard SQL both accept:
--  * JSON documents are VARCHAR, not jsonb: the store never queries inside them.
--  * Timestamps are BIGINT epoch nanoseconds (*_ns): PostgreSQL timestamps hold microseconds
--    only, and the store must give back exactly the Instant it was given.
--  * seq is an insertion sequence for keyset paging; ids are opaque strings chosen by the caller.
--  * Children reference their cluster without ON DELETE CASCADE: the store deletes children and
--    their tags explicitly (tags have no foreign key, they belong to three kinds of rows).

CREATE TABLE clusters (
  id                  VARCHAR NOT NULL,
  seq                 BIGINT GENERATED ALWAYS AS IDENTITY,
  name                VARCHAR NOT NULL,
  spec                VARCHAR NOT NULL,
  status              VARCHAR NOT NULL,
  error_info          VARCHAR,
  endpoints           VARCHAR,
  generation          BIGINT NOT NULL,
  observed_generation BIGINT NOT NULL,
  version             BIGINT NOT NULL,
  created_at_ns       BIGINT NOT NULL,
  modified_at_ns      BIGINT NOT NULL,
  CONSTRAINT clusters_pk PRIMARY KEY (id),
  CONSTRAINT clusters_seq_uq UNIQUE (seq),
  CONSTRAINT clusters_name_uq UNIQUE (name)
);

CREATE TABLE node_groups (
  id                  VARCHAR NOT NULL,
  seq                 BIGINT GENERATED ALWAYS AS IDENTITY,
  cluster_id          VARCHAR NOT NULL,
  name                VARCHAR NOT NULL,
  spec                VARCHAR NOT NULL,
  status              VARCHAR NOT NULL,
  error_info          VARCHAR,
  generation          BIGINT NOT NULL,
  observed_generation BIGINT NOT NULL,
  version             BIGINT NOT NULL,
  created_at_ns       BIGINT NOT NULL,
  modified_at_ns      BIGINT NOT NULL,
  CONSTRAINT node_groups_pk PRIMARY KEY (id),
  CONSTRAINT node_groups_seq_uq UNIQUE (seq),
  CONSTRAINT node_groups_name_uq UNIQUE (cluster_id, name),
  CONSTRAINT node_groups_cluster_fk FOREIGN KEY (cluster_id) REFERENCES clusters (id)
);
CREATE INDEX node_groups_cluster_seq_ix ON node_groups (cluster_id, seq);

CREATE TABLE queues (
  id                  VARCHAR NOT NULL,
  seq                 BIGINT GENERATED ALWAYS AS IDENTITY,
  cluster_id          VARCHAR NOT NULL,
  name                VARCHAR NOT NULL,
  spec                VARCHAR NOT NULL,
  status              VARCHAR NOT NULL,
  error_info          VARCHAR,
  generation          BIGINT NOT NULL,
  observed_generation BIGINT NOT NULL,
  version             BIGINT NOT NULL,
  created_at_ns       BIGINT NOT NULL,
  modified_at_ns      BIGINT NOT NULL,
  CONSTRAINT queues_pk PRIMARY KEY (id),
  CONSTRAINT queues_seq_uq UNIQUE (seq),
  CONSTRAINT queues_name_uq UNIQUE (cluster_id, name),
  CONSTRAINT queues_cluster_fk FOREIGN KEY (cluster_id) REFERENCES clusters (id)
);
CREATE INDEX queues_cluster_seq_ix ON queues (cluster_id, seq);

-- Tags of clusters, node groups and queues (resource ids are unique across kinds).
CREATE TABLE tags (
  resource_id VARCHAR NOT NULL,
  tag_key     VARCHAR NOT NULL,
  tag_value   VARCHAR NOT NULL,
  CONSTRAINT tags_pk PRIMARY KEY (resource_id, tag_key)
);

-- Rows that exist only to be locked (SELECT ... FOR UPDATE) when no resource row fits: the
-- server-wide cluster quota has to serialise inserts of rows that do not exist yet.
CREATE TABLE store_locks (
  name VARCHAR NOT NULL,
  CONSTRAINT store_locks_pk PRIMARY KEY (name)
);
INSERT INTO store_locks (name) VALUES ('clusters');
