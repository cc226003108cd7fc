-- Version 1: the six canonical datasets (docs/datasets.md), the import audit trail and settings.
CREATE TABLE imports (
    import_id    VARCHAR PRIMARY KEY,
    imported_at  TIMESTAMP NOT NULL,
    imported_by  VARCHAR NOT NULL,
    file_name    VARCHAR NOT NULL,
    sha256       VARCHAR NOT NULL,
    dataset      VARCHAR NOT NULL,
    format       VARCHAR NOT NULL,
    rows         INTEGER NOT NULL,
    status       VARCHAR NOT NULL DEFAULT 'imported'
);

CREATE TABLE people (
    person_id        VARCHAR PRIMARY KEY,
    career_stage     VARCHAR NOT NULL,
    pgy              SMALLINT,
    division         VARCHAR,
    gender           VARCHAR,
    race_ethnicity   VARCHAR[],
    urim             BOOLEAN,
    first_generation BOOLEAN,
    start_date       DATE NOT NULL,
    end_date         DATE,
    departure_reason VARCHAR,
    institution      VARCHAR,
    import_id        VARCHAR
);

CREATE TABLE mentorships (
    mentor_id   VARCHAR NOT NULL,
    mentee_id   VARCHAR NOT NULL,
    role        VARCHAR NOT NULL,
    formal      BOOLEAN NOT NULL DEFAULT TRUE,
    source      VARCHAR,
    start_date  DATE NOT NULL,
    end_date    DATE,
    import_id   VARCHAR,
    PRIMARY KEY (mentor_id, mentee_id, role, start_date)
);

CREATE TABLE meetings (
    mentor_id  VARCHAR NOT NULL,
    mentee_id  VARCHAR NOT NULL,
    date       DATE NOT NULL,
    minutes    INTEGER,
    kind       VARCHAR,
    import_id  VARCHAR
);

CREATE TABLE survey (
    survey                  VARCHAR NOT NULL,
    response_id             VARCHAR NOT NULL,
    submitted_at            TIMESTAMP NOT NULL,
    person_id               VARCHAR,
    career_stage            VARCHAR,
    gender                  VARCHAR,
    race_ethnicity          VARCHAR[],
    urim                    BOOLEAN,
    has_mentor              BOOLEAN,
    complete                BOOLEAN NOT NULL DEFAULT TRUE,
    mini_z_burnout SMALLINT, mini_z_satisfaction SMALLINT, mini_z_stress SMALLINT,
    mbi_ee_item SMALLINT, mbi_dp_item SMALLINT,
    mbi_ee_1 SMALLINT, mbi_ee_2 SMALLINT, mbi_ee_3 SMALLINT, mbi_ee_4 SMALLINT, mbi_ee_5 SMALLINT,
    mbi_ee_6 SMALLINT, mbi_ee_7 SMALLINT, mbi_ee_8 SMALLINT, mbi_ee_9 SMALLINT,
    mbi_dp_1 SMALLINT, mbi_dp_2 SMALLINT, mbi_dp_3 SMALLINT, mbi_dp_4 SMALLINT, mbi_dp_5 SMALLINT,
    mbi_pa_1 SMALLINT, mbi_pa_2 SMALLINT, mbi_pa_3 SMALLINT, mbi_pa_4 SMALLINT,
    mbi_pa_5 SMALLINT, mbi_pa_6 SMALLINT, mbi_pa_7 SMALLINT, mbi_pa_8 SMALLINT,
    pfi_pf_1 SMALLINT, pfi_pf_2 SMALLINT, pfi_pf_3 SMALLINT, pfi_pf_4 SMALLINT, pfi_pf_5 SMALLINT, pfi_pf_6 SMALLINT,
    pfi_we_1 SMALLINT, pfi_we_2 SMALLINT, pfi_we_3 SMALLINT, pfi_we_4 SMALLINT,
    pfi_id_1 SMALLINT, pfi_id_2 SMALLINT, pfi_id_3 SMALLINT, pfi_id_4 SMALLINT, pfi_id_5 SMALLINT, pfi_id_6 SMALLINT,
    career_satisfaction     SMALLINT,
    mentorship_satisfaction SMALLINT,
    intent_to_leave         BOOLEAN,
    import_id               VARCHAR,
    PRIMARY KEY (survey, response_id)
);

CREATE TABLE applicants (
    applicant_id   VARCHAR NOT NULL,
    cycle          INTEGER NOT NULL,
    track          VARCHAR NOT NULL,
    gender         VARCHAR,
    race_ethnicity VARCHAR[],
    urim           BOOLEAN,
    pipeline       VARCHAR[],
    stage_reached  VARCHAR NOT NULL,
    import_id      VARCHAR,
    PRIMARY KEY (cycle, track, applicant_id)
);

CREATE TABLE outcomes (
    person_id  VARCHAR NOT NULL,
    date       DATE NOT NULL,
    kind       VARCHAR NOT NULL,
    count      INTEGER NOT NULL DEFAULT 1,
    import_id  VARCHAR
);

CREATE TABLE settings (
    key    VARCHAR PRIMARY KEY,
    value  JSON NOT NULL
);
