-- Events: short human-readable records about clusters, node groups and queues ("launched 4
-- instances for compute-[3-6]"), what `openpcs events` shows. Same conventions as V1.
--
-- seq is the insertion order and the readers' cursor (`--follow` asks for seq > last seen).
-- Events outlive their resource (a "deleted" event must stay readable), so there is no foreign
-- key; they are purged by age after the configured retention.

CREATE TABLE events (
  seq           BIGINT GENERATED ALWAYS AS IDENTITY,
  cluster_id    VARCHAR NOT NULL,
  resource_kind VARCHAR NOT NULL,
  resource_id   VARCHAR NOT NULL,
  severity      VARCHAR NOT NULL,
  reason        VARCHAR NOT NULL,
  message       VARCHAR NOT NULL,
  time_ns       BIGINT NOT NULL,
  CONSTRAINT events_pk PRIMARY KEY (seq)
);
-- Readers list one cluster's events in order; housekeeping purges by age without a scan.
CREATE INDEX events_cluster_seq_ix ON events (cluster_id, seq);
CREATE INDEX events_time_ix ON events (time_ns);
