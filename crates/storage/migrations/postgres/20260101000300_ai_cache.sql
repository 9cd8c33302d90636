-- Cached AI results per subject (article or story), feature, model and parameters, and the
-- tokens spent per day against the daily budget.
CREATE TABLE ai_results (
    subject_id BIGINT      NOT NULL,
    feature    TEXT        NOT NULL,
    model      TEXT        NOT NULL,
    params     TEXT        NOT NULL,
    value      TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (subject_id, feature, model, params)
);

CREATE TABLE ai_token_usage (
    day    DATE   PRIMARY KEY,
    tokens BIGINT NOT NULL DEFAULT 0
);
