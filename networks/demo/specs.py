"""What the demo networks hold: the four localities, the partners each has and what they offer,
the expert groups and the meetings' topics. All fictional."""

from __future__ import annotations

from ..choices import OpportunityKind, PartnerKind

# username, name, organisation: the two partner contact logins listed in the README.
PARTNER_LOGINS = [
    ("partner.volunteers", ("Nadia", "Holme"), "Penrith Volunteer Centre"),
    ("partner.college", ("Owen", "Birkett"), "Grasmere College"),
]

# network, its area, the teams in it (by the start of their name), a point near its middle
NETWORKS = [
    (
        "North Fells",
        "Penrith, Appleby, Alston and the villages of the Eden valley.",
        ("North Fells", "Moorland"),
        (54.66, -2.75),
    ),
    (
        "Lakes",
        "Keswick, Ambleside, Windermere and the central fells.",
        ("Lakes", "Beck Ward"),
        (54.43, -2.97),
    ),
    (
        "South Dales",
        "Kendal, Sedbergh, Kirkby Lonsdale and the southern dales.",
        ("South Dales", "County Crisis"),
        (54.33, -2.74),
    ),
    (
        "West Coast",
        "Whitehaven, Workington, Cockermouth and the coast.",
        ("Fellside Recovery",),
        (54.60, -3.45),
    ),
]
TOWNS = {
    "North Fells": ["Penrith", "Appleby", "Alston", "Langwathby", "Kirkoswald"],
    "Lakes": ["Keswick", "Ambleside", "Windermere", "Grasmere", "Coniston"],
    "South Dales": ["Kendal", "Sedbergh", "Kirkby Lonsdale", "Milnthorpe", "Staveley"],
    "West Coast": ["Whitehaven", "Workington", "Cockermouth", "Maryport", "Egremont"],
}
POSTCODE = {"North Fells": "CA11", "Lakes": "LA22", "South Dales": "LA9", "West Coast": "CA28"}

# kind, name pattern, what they do, two offers (kind, title, description)
PARTNER_SPECS = [
    (
        PartnerKind.VOLUNTARY,
        "{town} Volunteer Centre",
        "Finds volunteering roles for local people.",
        [
            (
                OpportunityKind.VOLUNTEERING,
                "Community garden volunteer",
                "Growing vegetables with a friendly team, two mornings a week.",
            ),
            (
                OpportunityKind.VOLUNTEERING,
                "Charity shop volunteer",
                "Sorting, pricing and serving customers; training given.",
            ),
        ],
    ),
    (
        PartnerKind.HOUSING,
        "{town} Housing Association",
        "Affordable homes and tenancy support.",
        [
            (
                OpportunityKind.HOUSING,
                "Tenancy sustainment support",
                "Weekly visits to help keep a tenancy going: bills, repairs, neighbours.",
            ),
            (
                OpportunityKind.HOUSING,
                "Supported flats",
                "Self-contained flats with a support worker on site in the day.",
            ),
        ],
    ),
    (
        PartnerKind.EMPLOYMENT,
        "{town} Works",
        "Individual placement and support into paid work.",
        [
            (
                OpportunityKind.PAID_WORK,
                "Supported job search",
                "An employment specialist helps find and keep a paid job.",
            ),
            (
                OpportunityKind.PAID_WORK,
                "Café trainee (paid)",
                "Twelve hours a week in a social enterprise café, paid the real living wage.",
            ),
        ],
    ),
    (
        PartnerKind.COLLEGE,
        "{town} College",
        "Further education and adult learning.",
        [
            (
                OpportunityKind.EDUCATION,
                "Recovery college: understanding anxiety",
                "A six-week course co-taught by a peer trainer.",
            ),
            (
                OpportunityKind.EDUCATION,
                "Return to learn: English and maths",
                "Small friendly classes towards a level 2 qualification.",
            ),
        ],
    ),
    (
        PartnerKind.FAITH_COMMUNITY,
        "{town} Community Hub",
        "A welcoming space run by local people.",
        [
            (
                OpportunityKind.SOCIAL,
                "Walking group",
                "Gentle walks on Saturday mornings, with tea afterwards.",
            ),
            (
                OpportunityKind.PEER_GROUP,
                "Hearing voices group",
                "A peer-led group meeting fortnightly in the evening.",
            ),
        ],
    ),
    (
        PartnerKind.LOCAL_AUTHORITY,
        "{town} Council Advice Service",
        "Advice on money and rights.",
        [
            (
                OpportunityKind.MONEY_ADVICE,
                "Benefits check",
                "A one-to-one appointment to check every benefit the person is owed.",
            ),
            (
                OpportunityKind.MONEY_ADVICE,
                "Debt advice",
                "Help to deal with debts, with the person in control.",
            ),
        ],
    ),
    (
        PartnerKind.PRIMARY_CARE,
        "{town} Health Centre",
        "GP practice with social prescribing.",
        [
            (
                OpportunityKind.SOCIAL,
                "Social prescribing link worker",
                "Time to talk about what matters, and links to local groups.",
            ),
            (
                OpportunityKind.SOCIAL,
                "Art on prescription",
                "An eight-week art course in the village hall.",
            ),
        ],
    ),
    (
        PartnerKind.POLICE,
        "{town} Neighbourhood Policing Team",
        "Local policing and safety.",
        [
            (
                OpportunityKind.VOLUNTEERING,
                "Community speed watch volunteer",
                "Volunteering with neighbours on road safety.",
            ),
            (
                OpportunityKind.SOCIAL,
                "Five-a-side football",
                "A weekly football session run with the youth service.",
            ),
        ],
    ),
    (
        PartnerKind.VOLUNTARY,
        "{town} Mind",
        "Local mental health charity.",
        [
            (
                OpportunityKind.PEER_GROUP,
                "Peer support group",
                "Meet others with lived experience, every Tuesday afternoon.",
            ),
            (OpportunityKind.SOCIAL, "Men's shed", "Woodwork, repairs and good company."),
        ],
    ),
    (
        PartnerKind.EMPLOYMENT,
        "{town} Jobcentre Plus",
        "Work coaches and disability advisers.",
        [
            (
                OpportunityKind.PAID_WORK,
                "Work coach with a disability adviser",
                "Support into work at the person's pace.",
            ),
            (
                OpportunityKind.EDUCATION,
                "Skills bootcamp: digital",
                "A free twelve-week course in everyday digital skills.",
            ),
        ],
    ),
    (
        PartnerKind.VOLUNTARY,
        "{town} Arts Collective",
        "Community arts and music.",
        [
            (OpportunityKind.SOCIAL, "Community choir", "No auditions, no reading music needed."),
            (
                OpportunityKind.VOLUNTEERING,
                "Festival volunteer",
                "Help run the summer festival: stewarding, stalls, set-up.",
            ),
        ],
    ),
]
EXPERTS = [
    ("Dr Helen Ashby", "Consultant psychiatrist, Fellside and Moorland NHS Foundation Trust"),
    ("Marcus Reid", "Occupational therapist, employment lead"),
    ("Gill Pattinson", "Housing options manager, district council"),
    ("Sunita Rao", "Peer trainer and lived experience lead"),
]
TOPICS = [
    "Volunteering roles for the spring",
    "Housing: what happens after discharge",
    "Peer-led groups across the network",
    "Getting people into paid work",
    "Money worries and benefits changes",
    "Learning and the recovery college",
]
