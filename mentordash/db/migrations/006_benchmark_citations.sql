-- Version 6: the corrected national benchmarks of issue 17 (docs/metrics.md, National reference figures).
-- A database whose settings hold benchmarks (a coordinator saved the table) keeps every figure a coordinator
-- edited, exactly as edited. Each entry still equal to a default before this version, in every field, is
-- replaced by the corrected default of the same figure, with its full citation and what it counts. Two
-- old defaults were the wrong comparison and make way for the right one: 'women among AAOS board-certified
-- surgeons' (practising surgeons) for 'women among orthopaedic faculty at ACGME programmes' (women_faculty),
-- and 'URM share of residents (decade)' (a programme-director survey) for the AAMC census (urim_residents).
-- 'Black residents' and 'Hispanic residents' (second-hand, pre-2017) are dropped when unedited. Figures new
-- in this version are appended. The change is logged in settings_log as every settings change is.
-- A database that never saved the table reads the new defaults from mentordash/config.py: nothing to do.
CREATE TEMP TABLE old_benchmark_defaults (
    key VARCHAR, figure VARCHAR, value DOUBLE, year VARCHAR, source VARCHAR, instrument VARCHAR, replaced_by VARCHAR
);
INSERT INTO old_benchmark_defaults VALUES
    ('women_residents', 'women among orthopaedic surgery residents', 15.4, '2018-19', 'AAMC data, via Weber (British Orthopaedic Association)', NULL, 'women_residents'),
    ('women_residents_2021', 'women among orthopaedic residents', 16.0, '2021', 'Harbold et al., Curr Rev Musculoskelet Med 2021', NULL, 'women_residents_2021'),
    ('women_applicants', 'women among orthopaedic residency applicants', 23.0, '2022', 'PMC10226613', NULL, 'women_applicants'),
    ('women_board_certified', 'women among AAOS board-certified surgeons', 6.0, '2019', 'AAOS membership data, via Weber', NULL, 'women_faculty'),
    ('black_residents', 'Black residents in orthopaedics', 4.1, '2017', 'Rao et al., JAAOS 2017', NULL, NULL),
    ('hispanic_residents', 'Hispanic residents in orthopaedics', 2.7, '2017', 'Rao et al., JAAOS 2017', NULL, NULL),
    ('urm_residents', 'URM share of orthopaedic residents (decade)', 6.0, '2018-19', 'program-director survey', NULL, 'urim_residents'),
    ('residents_with_mentor', 'orthopaedic residents with a mentor', 74.7, '2015', 'AOA survey of residents', NULL, 'residents_with_mentor'),
    ('formal_mentoring_programs', 'orthopaedic residencies with a formal mentoring program', 34.9, '2015', 'AOA survey', NULL, 'formal_mentoring_programs'),
    ('rjos_jrgos_with_mentor', 'RJOS and JRGOS members with a mentor', 85.0, '2022', 'PMC9699573', NULL, 'rjos_jrgos_with_mentor'),
    ('students_with_mentor', 'medical students interested in orthopaedics who have a mentor', 50.0, '2023', 'PMID 37938911', NULL, 'students_with_mentor'),
    ('burnout_residents_mbi', 'high burnout, orthopaedic residents (MBI)', 56.0, '2009', 'Sargent et al., JBJS 2009', 'mbi_full', 'burnout_residents_mbi'),
    ('burnout_faculty_mbi', 'high burnout, orthopaedic faculty (MBI)', 28.0, '2009', 'Sargent et al., JBJS 2009', 'mbi_full', 'burnout_faculty_mbi'),
    ('burnout_surgeons_pooled', 'burnout, orthopaedic surgeons (pooled)', 43.0, '2024', 'meta-analysis, IJCMPH 2024', NULL, 'burnout_surgeons_pooled'),
    ('burnout_surgeons_pfi', 'burnout, orthopaedic surgeons, PFI', 38.9, '2019', 'five-country survey, Bone Joint Open 2021', 'pfi', 'burnout_surgeons_pfi');
CREATE TEMP TABLE new_benchmark_defaults (pos INTEGER, key VARCHAR, entry JSON);
INSERT INTO new_benchmark_defaults VALUES
    (1, 'women_residents', '{"key": "women_residents", "figure": "women among orthopaedic surgery residents (AAMC census)", "value": 15.5, "year": "2018", "source": "Haruno LS, et al. JBJS Open Access 2023. doi:10.2106/JBJS.OA.22.00148", "note": "All US orthopaedic residents, every year of training (8.8% in 2001). Beside one cycle''s matched applicants it is the closest national figure, not the same population."}'),
    (2, 'women_residents_2021', '{"key": "women_residents_2021", "figure": "women among orthopaedic residents (programme websites)", "value": 16.6, "year": "2021", "source": "Ranson R, et al. J Orthop Exp Innov 2023. doi:10.60118/001c.57307", "note": "679 of 4,095 residents listed on programme websites."}'),
    (3, 'women_applicants', '{"key": "women_applicants", "figure": "women among orthopaedic residency applicants (ERAS)", "value": 23.0, "year": "2022", "source": "Pinpin C, et al. JBJS Open Access 2023. PMC10226613", "note": "All ERAS applicants to orthopaedic residency (11.8% in 2007): like with like for the applied stage of a residency cycle."}'),
    (4, 'women_faculty', '{"key": "women_faculty", "figure": "women among orthopaedic faculty at ACGME programmes", "value": 10.0, "year": "2021", "source": "Ranson R, et al. J Orthop Exp Innov 2023. doi:10.60118/001c.57673", "note": "About 10% (432 of 4,325) of faculty at ACGME-accredited residency programmes: academic faculty, like with like for junior and senior faculty."}'),
    (5, 'urim_residents', '{"key": "urim_residents", "figure": "URiM among orthopaedic residents (AAMC census)", "value": 11.3, "year": "2018", "source": "Haruno LS, et al. JBJS Open Access 2023. doi:10.2106/JBJS.OA.22.00148", "note": "All US orthopaedic residents (9.5% in 2001). Beside one cycle''s matched applicants it is the closest national figure, not the same population."}'),
    (6, 'urim_resigned', '{"key": "urim_resigned", "figure": "URiM share of orthopaedic residents who resigned or were dismissed", "value": 19.5, "year": "2001-2018", "source": "Haruno LS, et al. JBJS Open Access 2023. doi:10.2106/JBJS.OA.22.00148", "note": "Against 10.1% of all residents over the same years: context for early departure, not drawn."}'),
    (7, 'residents_with_mentor', '{"key": "residents_with_mentor", "figure": "orthopaedic residents with a mentor (self-reported)", "value": 74.7, "year": "2015", "source": "Hart RA, et al. JBJS Am 2020 (2015 AOA Resident Leadership Forum survey, 146 answered)", "note": "Residents who said they had a mentor (51% in 2008). The department''s figure counts residents with an active mentor relationship on the as-of date."}'),
    (8, 'formal_mentoring_programs', '{"key": "formal_mentoring_programs", "figure": "orthopaedic residents who said their programme has a formal mentoring program", "value": 34.9, "year": "2015", "source": "Hart RA, et al. JBJS Am 2020 (2015 AOA Resident Leadership Forum survey, 146 answered)", "note": "A share of residents'' answers, not of programmes: context only, not drawn."}'),
    (9, 'residents_current_mentor', '{"key": "residents_current_mentor", "figure": "residents with a current mentor (11 programmes)", "value": 61.3, "year": "2017", "source": "Miller EM, et al. J Surg Educ 2021", "note": "Self-reported, residents of 11 orthopaedic programmes: context only, not drawn."}'),
    (10, 'faculty_current_mentor', '{"key": "faculty_current_mentor", "figure": "faculty with a current mentor (11 programmes)", "value": 61.1, "year": "2017", "source": "Miller EM, et al. J Surg Educ 2021", "note": "Self-reported, faculty of 11 orthopaedic programmes: context only, not drawn."}'),
    (11, 'rjos_jrgos_with_mentor', '{"key": "rjos_jrgos_with_mentor", "figure": "RJOS and JRGOS members with a mentor", "value": 85.0, "year": "2020-21", "source": "Winfrey SR, et al. JBJS Open Access 2022. doi:10.2106/JBJS.OA.22.00053", "note": "Students, residents and attendings who belong to RJOS or JRGOS: a self-selected group, context only."}'),
    (12, 'students_with_mentor', '{"key": "students_with_mentor", "figure": "medical students interested in orthopaedics who have a mentor", "value": 50.0, "year": "2023", "source": "Survey of medical students reached by social media and e-mail, 2023 (215 answered). PMID 37938911", "note": "Over 50% of 215 respondents (a lower bound): context only."}'),
    (13, 'burnout_residents_mbi', '{"key": "burnout_residents_mbi", "figure": "high burnout, orthopaedic residents (MBI)", "value": 56.0, "year": "2009", "source": "Sargent MC, et al. JBJS Am 2009. doi:10.2106/JBJS.H.00665", "instrument": "mbi_full", "note": "Maslach Burnout Inventory, drawn beside MBI-HSS figures only: check the study''s rule against the cut-offs in use before reading the two together."}'),
    (14, 'burnout_faculty_mbi', '{"key": "burnout_faculty_mbi", "figure": "high burnout, orthopaedic faculty (MBI)", "value": 28.0, "year": "2009", "source": "Sargent MC, et al. JBJS Am 2009. doi:10.2106/JBJS.H.00665", "instrument": "mbi_full", "note": "Maslach Burnout Inventory, drawn beside MBI-HSS figures only, with the same caveat."}'),
    (15, 'burnout_surgeons_pfi', '{"key": "burnout_surgeons_pfi", "figure": "burnout, orthopaedic surgeons and trainees in five countries (PFI)", "value": 38.9, "year": "2019", "source": "Bone Joint Open 2021. doi:10.1302/2633-1462.211.BJO-2021-0153", "instrument": "pfi", "note": "Stanford Professional Fulfillment Index: drawn beside PFI figures only."}'),
    (16, 'burnout_surgeons_pooled', '{"key": "burnout_surgeons_pooled", "figure": "burnout, orthopaedic surgeons (pooled, mixed definitions)", "value": 43.0, "year": "2024", "source": "Meta-analysis, IJCMPH 2024. doi:10.18203/2394-6040.ijcmph20242996", "note": "95% CI 33-53%. Studies with different instruments and rules pooled: context only, never drawn."}');
-- The stored table, one row per entry in its order.
CREATE TEMP TABLE stored_benchmarks AS
SELECT generate_subscripts(entries, 1) AS pos, unnest(entries) AS entry
FROM (SELECT json_transform(value, '["JSON"]') AS entries FROM settings WHERE key = 'benchmarks');
-- Each stored entry: unedited old defaults replaced (or dropped), everything else kept as it is.
CREATE TEMP TABLE migrated_benchmarks AS
WITH matched AS (
    SELECT s.pos, s.entry, o.key AS old_key, o.replaced_by
    FROM stored_benchmarks s
    LEFT JOIN old_benchmark_defaults o
      ON s.entry->>'key' = o.key AND s.entry->>'figure' = o.figure
     AND TRY_CAST(s.entry->>'value' AS DOUBLE) = o.value AND s.entry->>'year' = o.year
     AND s.entry->>'source' = o.source AND coalesce(s.entry->>'instrument', '') = coalesce(o.instrument, '')
     AND (SELECT count(*) FROM (SELECT unnest(json_keys(s.entry)) AS k) WHERE k NOT IN
          ('key', 'figure', 'value', 'year', 'source', 'instrument')) = 0
), kept AS (
    SELECT m.pos, coalesce(n.entry, m.entry) AS entry, coalesce(n.key, m.entry->>'key') AS key
    FROM matched m LEFT JOIN new_benchmark_defaults n ON n.key = m.replaced_by
    WHERE m.old_key IS NULL OR m.replaced_by IS NOT NULL
)
SELECT pos, entry FROM kept
UNION ALL
SELECT 100000 + n.pos AS pos, n.entry
FROM new_benchmark_defaults n
WHERE (SELECT count(*) FROM stored_benchmarks) > 0
  AND n.key NOT IN (SELECT key FROM old_benchmark_defaults)
  AND n.key NOT IN (SELECT key FROM kept WHERE key IS NOT NULL);
CREATE TEMP TABLE benchmark_change AS
SELECT s.value AS old_value, (SELECT to_json(list(entry ORDER BY pos)) FROM migrated_benchmarks) AS new_value
FROM settings s
WHERE s.key = 'benchmarks';
DELETE FROM benchmark_change WHERE new_value IS NULL OR CAST(new_value AS VARCHAR) = CAST(old_value AS VARCHAR);
INSERT INTO settings_log SELECT now()::TIMESTAMP, 'migration 6 (corrected benchmarks)', 'benchmarks', old_value, new_value
FROM benchmark_change;
UPDATE settings SET value = (SELECT new_value FROM benchmark_change)
WHERE key = 'benchmarks' AND (SELECT count(*) FROM benchmark_change) > 0;
UPDATE meta SET value = value + 1 WHERE key = 'data_version' AND (SELECT count(*) FROM benchmark_change) > 0;
DROP TABLE benchmark_change;
DROP TABLE migrated_benchmarks;
DROP TABLE stored_benchmarks;
DROP TABLE new_benchmark_defaults;
DROP TABLE old_benchmark_defaults;
