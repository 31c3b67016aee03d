-- Budgets that mean something (docs/services/governance.md, "Budgets"): the
-- running total of a directive's execution run, and one row per charge
-- (an LLM call priced by the service that made it) so that a charge
-- reported twice (a retried turn, a report repeated after a crash) is counted
-- once. Runs with search_path set to the governance schema.

ALTER TABLE execution_runs
    ADD COLUMN spent_amount   NUMERIC(24, 6) NOT NULL DEFAULT 0 CHECK (spent_amount >= 0),
    ADD COLUMN spent_currency TEXT,
    ADD COLUMN spent_tokens   BIGINT         NOT NULL DEFAULT 0 CHECK (spent_tokens >= 0);

-- The key is the reporter's name for the charge (worlds: its LLM call's id),
-- unique across directives: a call is paid for once.
CREATE TABLE spend_entries (
    key          TEXT           PRIMARY KEY,
    directive_id UUID           NOT NULL REFERENCES directives (id),
    run_id       UUID           NOT NULL REFERENCES execution_runs (id),
    work         TEXT           NOT NULL,
    subject      TEXT,
    model        TEXT           NOT NULL,
    tokens       BIGINT         NOT NULL CHECK (tokens >= 0),
    amount       NUMERIC(24, 6) NOT NULL CHECK (amount >= 0),
    currency     TEXT           NOT NULL,
    actor        TEXT           NOT NULL,
    recorded_at  TIMESTAMPTZ    NOT NULL
);
CREATE INDEX spend_entries_run_idx ON spend_entries (run_id);
