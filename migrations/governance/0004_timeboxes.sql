-- Timeboxes that mean something (docs/services/governance.md, "Timeboxes"):
-- a directive with a timebox may be worked under until its timebox has
-- elapsed since it was approved. The deadline is a row written in the
-- transaction that approves it (again on a later approval), so it survives
-- restarts: authorize_work refuses work once due_at has passed, and the
-- timer claims each due row once (expired_at) to move the directive on.
-- Runs with search_path set to the governance schema.

CREATE TABLE directive_deadlines (
    directive_id UUID        PRIMARY KEY REFERENCES directives (id),
    approved_at  TIMESTAMPTZ NOT NULL,
    due_at       TIMESTAMPTZ NOT NULL,
    expired_at   TIMESTAMPTZ
);
CREATE INDEX directive_deadlines_due_idx ON directive_deadlines (due_at) WHERE expired_at IS NULL;
