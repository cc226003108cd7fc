-- Which (cycle, track) pairs hold applicants that the filters select: the choices of the page.
SELECT DISTINCT a.cycle, a.track
FROM applicant_counts a
WHERE TRUE {applicant_filter}
