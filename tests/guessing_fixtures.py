"""Survey exports built in code for the column-guessing tests (issue 14, items 3 and 6)."""

from __future__ import annotations

import csv
import io
import json

QUALTRICS_META = [
    ("StartDate", "Start Date", "startDate"),
    ("EndDate", "End Date", "endDate"),
    ("Status", "Response Type", "status"),
    ("IPAddress", "IP Address", "ipAddress"),
    ("Progress", "Progress", "progress"),
    ("Duration (in seconds)", "Duration (in seconds)", "duration"),
    ("Finished", "Finished", "finished"),
    ("RecordedDate", "Recorded Date", "recordedDate"),
    ("ResponseId", "Response ID", "_recordId"),
    ("RecipientLastName", "Recipient Last Name", "recipientLastName"),
    ("RecipientFirstName", "Recipient First Name", "recipientFirstName"),
    ("RecipientEmail", "Recipient Email", "recipientEmail"),
    ("ExternalReference", "External Data Reference", "externalDataReference"),
    ("LocationLatitude", "Location Latitude", "locationLatitude"),
    ("LocationLongitude", "Location Longitude", "locationLongitude"),
    ("DistributionChannel", "Distribution Channel", "distributionChannel"),
    ("UserLanguage", "User Language", "userLanguage"),
]
AGREE = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
MINI_Z_BURNOUT = [
    "I enjoy my work. I have no symptoms of burnout.",
    "Occasionally I am under stress, and I don't always have as much energy as I once did, but I don't feel "
    "burned out.",
    "I am definitely burning out and have one or more symptoms of burnout, such as physical and emotional exhaustion.",
    "The symptoms of burnout that I'm experiencing won't go away. I think about frustration at work a lot.",
    "I feel completely burned out and often wonder if I can go on. I am at the point where I may need some "
    "changes or may need to seek some sort of help.",
]
POOR_OPTIMAL = ["Poor", "Marginal", "Satisfactory", "Good", "Optimal"]
# The Mini-Z's ten items (Linzer et al.; free to use): three are canonical survey columns.
MINI_Z = [
    ("Overall, I am satisfied with my current job.", AGREE),
    ("I feel a great deal of stress because of my job.", AGREE),
    ('Using your own definition of "burnout," please select one of the answers below:', MINI_Z_BURNOUT),
    ("My control over my workload is:", POOR_OPTIMAL),
    ("Sufficiency of time for documentation is:", POOR_OPTIMAL),
    ("Which number best describes the atmosphere in your primary work area?", ["Calm", "Busy", "Hectic, chaotic"]),
    ("My professional values are well aligned with those of my department leaders.", AGREE),
    ("The degree to which my care team works efficiently together is:", POOR_OPTIMAL),
    ("The amount of time I spend on the electronic medical record (EMR) at home is:", ["Excessive", "Minimal"]),
    ("My proficiency with EMR use:", POOR_OPTIMAL),
]
TRUE_SCALE = ["Not at all true", "Somewhat true", "Moderately true", "Very true", "Completely true"]
EXTENT = ["Not at all", "Very little", "Moderately", "A lot", "Extremely"]
PFI_FULFILLMENT = [
    "I feel happy at work",
    "I feel worthwhile at work",
    "My work is satisfying to me",
    "I feel in control when dealing with difficult problems at work",
    "My work is meaningful to me",
    "I'm contributing professionally (e.g. patient care, teaching, research, and leadership) in the ways I value most",
]
PFI_BURNOUT = [
    "A sense of dread when I think about work I have to do",
    "Physically exhausted at work",
    "Lacking in enthusiasm at work",
    "Emotionally exhausted at work",
    "Less empathetic with my patients",
    "Less empathetic with my colleagues",
    "Less sensitive to others' feelings/emotions",
    "Less interested in talking with my patients",
    "Less connected with my patients",
    "Less connected with my colleagues",
]
PF_STEM = "Please indicate how true each of the following statements is of your experience during the past two weeks:"
BURNOUT_STEM = "During the past two weeks I have felt:"
ROLES = ["Resident", "Fellow", "Medical student", "Attending", "Resident", "Fellow"]
GENDERS = ["Woman", "Man", "Woman", "Prefer not to say", "Man", "Woman"]
RACES = [
    "Asian",
    "White",
    "Black or African American,Hispanic, Latino, or of Spanish origin",
    "White",
    "Asian,White",
    "",
]


def qualtrics_instrument_survey(responses: int = 6, prefix: str = "R_a") -> bytes:
    """A Qualtrics choice-text export (three header rows) of a survey holding the Mini-Z (Q1-Q10), the PFI
    (matrices Q11 and Q12), three demographic questions (Q13-Q15) and a comment box; the last row a preview."""
    columns = list(QUALTRICS_META)
    for i, (question, _) in enumerate(MINI_Z, start=1):
        columns.append((f"Q{i}", question, f"QID{i}"))
    columns += [(f"Q11_{i}", f"{PF_STEM} - {item}", f"QID11_{i}") for i, item in enumerate(PFI_FULFILLMENT, 1)]
    columns += [(f"Q12_{i}", f"{BURNOUT_STEM} - {item}", f"QID12_{i}") for i, item in enumerate(PFI_BURNOUT, 1)]
    columns += [
        ("Q13", "Which of these best describes your role?", "QID13"),
        ("Q14", "What is your gender?", "QID14"),
        ("Q15", "Which race or ethnicity do you identify with? (Select all that apply) - Selected Choice", "QID15"),
        ("Q16", "Any comments on the stage of your mentoring journey?", "QID16_TEXT"),
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c[0] for c in columns])
    writer.writerow([c[1] for c in columns])
    writer.writerow([json.dumps({"ImportId": c[2]}) for c in columns])
    for n in range(responses + 1):
        preview = n == responses
        row = [
            f"2026-03-{n + 1:02d} 09:00:00",
            f"2026-03-{n + 1:02d} 09:10:00",
            "Survey Preview" if preview else "IP Address",
            "" if preview else f"10.0.0.{n + 1}",
            "100",
            "600",
            "True",
            f"2026-03-{n + 1:02d} 09:10:01",
            f"{prefix}{n:03d}",
            "",
            "",
            "",
            "",
            "42.36",
            "-71.06",
            "anonymous",
            "EN",
        ]
        row += [answers[(n + i) % len(answers)] for i, (_, answers) in enumerate(MINI_Z)]
        row += [TRUE_SCALE[(n + i) % 5] for i in range(6)]
        row += [EXTENT[(n * 2 + i) % 5] for i in range(10)]
        row += [ROLES[n % len(ROLES)], GENDERS[n % len(GENDERS)], RACES[n % len(RACES)], "Fine, thanks" if n else ""]
        writer.writerow(row)
    return out.getvalue().encode("utf-8")
