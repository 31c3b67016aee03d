-- Protected names (docs/services/names.md, "Protected names"): a name listed
-- here moves only under an approved directive that names it, checked with
-- the governance service; every move records the directive it was made under.
-- Runs with search_path set to the names schema.

CREATE TABLE protected_names (
    name         label_text COLLATE "C" PRIMARY KEY,
    protected_at TIMESTAMPTZ            NOT NULL,
    actor        TEXT,
    note         TEXT
);

ALTER TABLE scenario_name_history ADD COLUMN directive_id UUID;
