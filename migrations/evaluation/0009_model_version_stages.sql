-- Stages that move (docs/services/evaluation.md, "Model registry"):
-- set_model_version_stage moves model_versions.stage by compare-and-swap and
-- keeps every move here, like model_alias_history keeps an alias's. A
-- version's registered JSON stays as registered; its stage is the column.
-- Runs with search_path set to the evaluation schema.

CREATE TABLE model_version_stage_history (
    id          BIGSERIAL    PRIMARY KEY,
    model_id    TEXT COLLATE "C" NOT NULL,
    version     TEXT         NOT NULL,
    old_stage   TEXT         NOT NULL,
    new_stage   TEXT         NOT NULL CHECK (new_stage IN ('development', 'staging', 'production', 'archived')),
    note        TEXT,
    actor       TEXT,
    changed_at  TIMESTAMPTZ  NOT NULL,
    FOREIGN KEY (model_id, version) REFERENCES model_versions(model_id, version)
);
CREATE INDEX model_version_stage_history_idx
    ON model_version_stage_history(model_id, version, id DESC);
