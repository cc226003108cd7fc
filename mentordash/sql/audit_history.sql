-- Every import, undo and settings change, newest first (docs/privacy.md: who, when and what).
SELECT imported_at AS "when", imported_by AS who, 'import' AS action,
       file_name || ' (' || dataset || ', ' || format || ', ' || rows || ' rows)' AS what,
       import_id AS reference
FROM imports
UNION ALL
SELECT undone_at, undone_by, 'undo', file_name || ' (' || dataset || ')', import_id
FROM imports WHERE undone_at IS NOT NULL
UNION ALL
SELECT changed_at, changed_by, 'setting', key || ': ' || coalesce(old_value::VARCHAR, 'default') || ' -> ' || new_value::VARCHAR, key
FROM settings_log
ORDER BY "when" DESC
LIMIT $limit
