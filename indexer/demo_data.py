"""Reference data for the demo catalog: real UK hospitals, specialties in patients' words,
and the six specialists of the seed treatment page, exactly as that page shows them.

Postcodes are the hospitals' published ones; coordinates are approximate (to about
100 m), good enough for distance search but not geocoded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from chalicelib.catalog import ConsultationType, Gender, Hospital, Specialist

WEB = "https://www.hospitals.example"
PHOTOS = "https://images.hospitals.example"

Training = Literal["medical", "psychology", "therapy", "dental"]


# A few hospitals set their own reply deadline (working hours) and an escalation address;
# the rest take the service's default deadline and escalate to the central team.
_OWN_DEADLINES = {"blackheath": 24, "sloane": 48}


def _hospital(hospital_id: str, name: str, postcode: str, lat: float, lon: float) -> Hospital:
    hours = _OWN_DEADLINES.get(hospital_id)
    return Hospital(
        id=hospital_id,
        name=name,
        postcode=postcode,
        lat=lat,
        lon=lon,
        enquiries_email=f"enquiries.{hospital_id.replace('-', '')}@hospitals.example",
        escalation_email=f"matron.{hospital_id.replace('-', '')}@hospitals.example" if hours else None,
        reply_working_hours=hours,
    )


HOSPITALS: tuple[Hospital, ...] = (
    # London and the South East
    _hospital("london-independent", "BMI The London Independent Hospital", "E1 4NL", 51.5203, -0.0460),
    _hospital("hendon", "BMI Hendon Hospital", "NW4 1RP", 51.5963, -0.2258),
    _hospital("blackheath", "BMI The Blackheath Hospital", "SE3 9UD", 51.4622, 0.0106),
    _hospital("clementine-churchill", "BMI The Clementine Churchill Hospital", "HA1 3RX", 51.5605, -0.3335),
    _hospital("cavell", "BMI The Cavell Hospital", "EN2 7PR", 51.6600, -0.0980),
    _hospital("bishops-wood", "BMI Bishops Wood Hospital", "HA6 2JW", 51.6128, -0.4320),
    _hospital("sloane", "BMI The Sloane Hospital", "BR3 5HS", 51.4080, -0.0170),
    _hospital("chelsfield-park", "BMI Chelsfield Park Hospital", "BR6 7RG", 51.3560, 0.1300),
    _hospital("princess-margaret", "BMI The Princess Margaret Hospital", "SL4 3SJ", 51.4780, -0.6140),
    _hospital("runnymede", "BMI The Runnymede Hospital", "KT16 0RQ", 51.3690, -0.5300),
    _hospital("mount-alvernia", "BMI Mount Alvernia Hospital", "GU1 3LX", 51.2350, -0.5620),
    _hospital("chiltern", "BMI The Chiltern Hospital", "HP16 0EN", 51.6930, -0.6940),
    _hospital("shelburne", "BMI The Shelburne Hospital", "HP11 2TR", 51.6280, -0.7470),
    _hospital("somerfield", "BMI The Somerfield Hospital", "ME16 0DU", 51.2760, 0.5080),
    _hospital("chaucer", "BMI The Chaucer Hospital", "CT4 7AR", 51.2580, 1.0890),
    _hospital("esperance", "BMI The Esperance Hospital", "BN21 3BG", 50.7690, 0.2790),
    _hospital("goring-hall", "BMI Goring Hall Hospital", "BN12 5AT", 50.8130, -0.4310),
    _hospital("southend", "BMI Southend Private Hospital", "SS0 9AG", 51.5460, 0.6930),
    # East of England
    _hospital("st-edmunds", "BMI St Edmunds Hospital", "IP33 2AA", 52.2418, 0.7152),
    _hospital("sandringham", "BMI The Sandringham Hospital", "PE30 4HJ", 52.7560, 0.4420),
    _hospital("manor", "BMI The Manor Hospital", "MK40 4AW", 52.1400, -0.5050),
    _hospital("three-shires", "BMI Three Shires Hospital", "NN1 5DR", 52.2370, -0.8770),
    # Midlands
    _hospital("priory", "BMI The Priory Hospital", "B5 7UG", 52.4560, -1.9090),
    _hospital("edgbaston", "BMI The Edgbaston Hospital", "B15 2QQ", 52.4620, -1.9310),
    _hospital("meriden", "BMI The Meriden Hospital", "CV2 2LQ", 52.4210, -1.4410),
    _hospital("droitwich-spa", "BMI The Droitwich Spa Hospital", "WR9 8DN", 52.2650, -2.1460),
    _hospital("park", "BMI The Park Hospital", "NG5 8RX", 53.0570, -1.1370),
    _hospital("lincoln", "BMI The Lincoln Hospital", "LN2 1QU", 53.2440, -0.5320),
    # South West and Wales
    _hospital("ridgeway", "BMI The Ridgeway Hospital", "SN4 9DD", 51.5230, -1.7950),
    _hospital("bath-clinic", "BMI Bath Clinic", "BA2 7BR", 51.3600, -2.3340),
    _hospital("harbour", "BMI The Harbour Hospital", "BH15 2BH", 50.7190, -1.9740),
    _hospital("sarum-road", "BMI Sarum Road Hospital", "SO22 5HA", 51.0600, -1.3400),
    _hospital("duchy", "BMI The Duchy Hospital", "TR1 3UP", 50.2680, -5.0940),
    _hospital("werndale", "BMI Werndale Hospital", "SA33 5NE", 51.8250, -4.4330),
    # North of England
    _hospital("beaumont", "BMI The Beaumont Hospital", "BL6 4LA", 53.5860, -2.5130),
    _hospital("highfield", "BMI The Highfield Hospital", "OL11 4LZ", 53.6010, -2.1640),
    _hospital("alexandra", "BMI The Alexandra Hospital", "SK8 2PX", 53.3920, -2.2100),
    _hospital("beardwood", "BMI The Beardwood Hospital", "BB2 7AE", 53.7580, -2.5170),
    _hospital("huddersfield", "BMI The Huddersfield Hospital", "HD2 2BL", 53.6630, -1.7960),
    _hospital("thornbury", "BMI Thornbury Hospital", "S10 3BR", 53.3770, -1.5150),
    _hospital("woodlands", "BMI Woodlands Hospital", "DL1 4PL", 54.5160, -1.5280),
    # Scotland
    _hospital("ross-hall", "BMI Ross Hall Hospital", "G52 3NQ", 55.8450, -4.3480),
    _hospital("albyn", "BMI Albyn Hospital", "AB10 1RW", 57.1430, -2.1180),
    _hospital("kings-park", "BMI Kings Park Hospital", "FK7 9PU", 56.1100, -3.9560),
    _hospital("fernbrae", "BMI Fernbrae Hospital", "DD2 1LJ", 56.4590, -3.0100),
)
HOSPITALS_BY_ID = {hospital.id: hospital for hospital in HOSPITALS}


@dataclass(frozen=True)
class Specialty:
    name: str
    titles: tuple[str, ...]
    # Royal college memberships and fellowships that end the qualifications string.
    colleges: tuple[str, ...]
    treatments: tuple[str, ...]
    conditions: tuple[str, ...]
    weight: int = 2  # relative number of consultants
    surgical: bool = False  # surgeons are "Mr", "Ms", "Miss" or "Mrs", not "Dr"
    training: Training = "medical"
    children: float = 0.08  # share who also see children
    related: str | None = None  # a second specialty some of them list
    fee: int = 200  # a typical self-pay initial consultation, in pounds


# fmt: off
SPECIALTIES: tuple[Specialty, ...] = (
    Specialty(
        "Cardiology",
        ("Consultant Cardiologist", "Consultant Interventional Cardiologist"),
        ("MRCP", "FRCP", "FRCP, FESC"),
        ("Echocardiogram", "Exercise ECG", "24-hour heart monitoring", "Coronary angiogram", "Cardiac ablation",
         "Pacemaker fitting"),
        ("Chest pain", "Palpitations", "High blood pressure", "Atrial fibrillation", "Heart failure"),
        weight=5,
        fee=250,
    ),
    Specialty(
        "Cardiothoracic surgery",
        ("Consultant Cardiothoracic Surgeon",),
        ("FRCS (C-Th)", "FRCS"),
        ("Coronary artery bypass graft (CABG)", "Heart valve replacement", "Keyhole chest surgery (VATS)"),
        ("Coronary artery disease", "Aortic stenosis", "Lung cancer"),
        weight=1,
        surgical=True,
        fee=300,
    ),
    Specialty(
        "Dermatology",
        ("Consultant Dermatologist",),
        ("MRCP", "MRCP (Derm)", "FRCP"),
        ("Mole removal", "Mole mapping", "Skin cancer check", "Mohs surgery", "Cryotherapy", "Phototherapy"),
        ("Eczema", "Psoriasis", "Acne", "Rosacea", "Hair loss", "Moles", "Skin cancer"),
        weight=4,
        children=0.25,
        fee=200,
    ),
    Specialty(
        "ENT (Ear, nose and throat)",
        ("Consultant ENT Surgeon", "Consultant Otolaryngologist"),
        ("FRCS (ORL-HNS)", "FRCS"),
        ("Tonsillectomy", "Grommets", "Septoplasty", "Sinus surgery (FESS)", "Ear wax removal (microsuction)",
         "Hearing test"),
        ("Hearing loss", "Tinnitus", "Sinusitis", "Snoring", "Vertigo", "Glue ear"),
        weight=5,
        surgical=True,
        children=0.35,
        fee=200,
    ),
    Specialty(
        "Gastroenterology",
        ("Consultant Gastroenterologist",),
        ("MRCP", "FRCP", "MRCP (Gastro)"),
        ("Gastroscopy", "Colonoscopy", "Flexible sigmoidoscopy", "Capsule endoscopy", "Hydrogen breath test"),
        ("Irritable bowel syndrome (IBS)", "Acid reflux", "Crohn's disease", "Ulcerative colitis",
         "Coeliac disease", "Bloating"),
        weight=5,
        related="Hepatology",
        fee=250,
    ),
    Specialty(
        "Hepatology",
        ("Consultant Hepatologist",),
        ("MRCP", "FRCP"),
        ("FibroScan", "Liver biopsy"),
        ("Fatty liver disease", "Hepatitis C", "Cirrhosis", "Abnormal liver blood tests"),
        weight=1,
        fee=260,
    ),
    Specialty(
        "General surgery",
        ("Consultant General Surgeon", "Consultant General and Laparoscopic Surgeon"),
        ("FRCS", "FRCS (Gen Surg)"),
        ("Inguinal hernia repair", "Umbilical hernia repair", "Gallbladder removal (laparoscopic cholecystectomy)",
         "Lump and bump removal", "Pilonidal sinus surgery"),
        ("Hernia", "Gallstones", "Lipoma", "Sebaceous cyst"),
        weight=6,
        surgical=True,
        related="Colorectal surgery",
        fee=200,
    ),
    Specialty(
        "Colorectal surgery",
        ("Consultant Colorectal Surgeon",),
        ("FRCS (Gen Surg)", "FRCS"),
        ("Haemorrhoid banding", "Haemorrhoidectomy", "Anal fistula surgery", "Bowel resection", "Colonoscopy"),
        ("Haemorrhoids (piles)", "Anal fissure", "Bowel cancer", "Diverticular disease", "Rectal bleeding"),
        weight=3,
        surgical=True,
        fee=220,
    ),
    Specialty(
        "Bariatric surgery",
        ("Consultant Bariatric Surgeon", "Consultant Upper GI and Bariatric Surgeon"),
        ("FRCS (Gen Surg)", "FRCS"),
        ("Gastric band", "Gastric sleeve", "Gastric bypass", "Gastric balloon", "Hiatus hernia repair"),
        ("Obesity", "Type 2 diabetes", "Hiatus hernia"),
        surgical=True,
        fee=180,
    ),
    Specialty(
        "Breast surgery",
        ("Consultant Breast Surgeon", "Consultant Oncoplastic Breast Surgeon"),
        ("FRCS", "FRCS (Gen Surg)"),
        ("Breast lump assessment", "Lumpectomy", "Mastectomy", "Breast reconstruction"),
        ("Breast lump", "Breast pain", "Breast cancer", "Gynaecomastia"),
        surgical=True,
        fee=200,
    ),
    Specialty(
        "Plastic surgery",
        ("Consultant Plastic Surgeon", "Consultant Plastic and Reconstructive Surgeon"),
        ("FRCS (Plast)", "FRCS"),
        ("Breast augmentation", "Breast reduction", "Tummy tuck (abdominoplasty)", "Eyelid surgery (blepharoplasty)",
         "Rhinoplasty (nose reshaping)", "Ear correction (pinnaplasty)", "Scar revision"),
        ("Loose skin after weight loss", "Droopy eyelids", "Prominent ears"),
        weight=4,
        surgical=True,
        related="Breast surgery",
        fee=175,
    ),
    Specialty(
        "Gynaecology",
        ("Consultant Gynaecologist", "Consultant Obstetrician and Gynaecologist"),
        ("MRCOG", "FRCOG"),
        ("Hysterectomy", "Hysteroscopy", "Colposcopy", "Laparoscopy", "Endometrial ablation", "Coil fitting",
         "Fertility assessment"),
        ("Heavy periods", "Endometriosis", "Fibroids", "Menopause", "Polycystic ovary syndrome (PCOS)",
         "Pelvic pain", "Ovarian cysts"),
        weight=6,
        surgical=True,
        fee=220,
    ),
    Specialty(
        "Trauma and Orthopaedics",
        ("Consultant Orthopaedic Surgeon", "Consultant Trauma and Orthopaedic Surgeon",
         "Consultant Orthopaedic Knee Surgeon", "Consultant Orthopaedic Hip and Knee Surgeon",
         "Consultant Shoulder and Elbow Surgeon"),
        ("FRCS (Tr&Orth)", "FRCS (Orth)"),
        ("Knee replacement", "Hip replacement", "Knee arthroscopy", "Shoulder arthroscopy", "ACL reconstruction",
         "Shoulder replacement", "Carpal tunnel release", "Joint injections"),
        ("Knee pain", "Hip pain", "Shoulder pain", "Osteoarthritis", "Sports injuries", "Frozen shoulder",
         "Torn meniscus"),
        weight=12,
        surgical=True,
        children=0.1,
        related="Sports and exercise medicine",
        fee=220,
    ),
    Specialty(
        "Spinal surgery",
        ("Consultant Spinal Surgeon", "Consultant Orthopaedic Spinal Surgeon"),
        ("FRCS (Tr&Orth)", "FRCS (SN)"),
        ("Microdiscectomy", "Spinal fusion", "Spinal decompression", "Spinal injections"),
        ("Back pain", "Neck pain", "Sciatica", "Slipped disc", "Spinal stenosis"),
        weight=3,
        surgical=True,
        fee=250,
    ),
    Specialty(
        "Hand surgery",
        ("Consultant Hand Surgeon", "Consultant Hand and Wrist Surgeon"),
        ("FRCS (Tr&Orth)", "FRCS (Plast)"),
        ("Carpal tunnel release", "Trigger finger release", "Dupuytren's surgery", "Ganglion removal"),
        ("Carpal tunnel syndrome", "Trigger finger", "Dupuytren's contracture", "Wrist pain"),
        surgical=True,
        fee=200,
    ),
    Specialty(
        "Foot and ankle surgery",
        ("Consultant Foot and Ankle Surgeon",),
        ("FRCS (Tr&Orth)",),
        ("Bunion surgery", "Ankle arthroscopy", "Ankle replacement", "Hammer toe correction"),
        ("Bunions", "Ankle pain", "Plantar fasciitis", "Morton's neuroma", "Flat feet"),
        surgical=True,
        fee=200,
    ),
    Specialty(
        "Sports and exercise medicine",
        ("Consultant in Sport and Exercise Medicine",),
        ("FFSEM", "MRCGP, FFSEM"),
        ("Ultrasound-guided injection", "Shockwave therapy", "PRP injection", "Gait analysis"),
        ("Tennis elbow", "Runner's knee", "Hamstring injury", "Achilles tendinopathy"),
        children=0.15,
        fee=200,
    ),
    Specialty(
        "Rheumatology",
        ("Consultant Rheumatologist",),
        ("MRCP", "FRCP"),
        ("Joint injections", "Biologic therapy", "Bone density scan (DEXA)"),
        ("Rheumatoid arthritis", "Gout", "Lupus", "Fibromyalgia", "Osteoporosis", "Joint pain"),
        weight=3,
        fee=240,
    ),
    Specialty(
        "Pain management",
        ("Consultant in Pain Medicine", "Consultant Anaesthetist and Pain Specialist"),
        ("FRCA", "FFPMRCA", "FRCA, FFPMRCA"),
        ("Epidural steroid injection", "Facet joint injection", "Radiofrequency denervation", "Nerve root block"),
        ("Chronic pain", "Back pain", "Neck pain", "Sciatica", "Nerve pain"),
        weight=3,
        fee=220,
    ),
    Specialty(
        "Anaesthesia",
        ("Consultant Anaesthetist",),
        ("FRCA",),
        ("General anaesthetic", "Sedation", "Regional anaesthesia"),
        (),
        weight=4,
        children=0.15,
        fee=180,
    ),
    Specialty(
        "Urology",
        ("Consultant Urologist", "Consultant Urological Surgeon"),
        ("FRCS (Urol)", "FRCS"),
        ("Vasectomy", "Prostate biopsy", "Cystoscopy", "Lithotripsy", "TURP (prostate surgery)", "UroLift",
         "Circumcision"),
        ("Enlarged prostate", "Kidney stones", "Blood in urine", "Erectile dysfunction", "Urinary incontinence",
         "Prostate cancer"),
        weight=5,
        surgical=True,
        fee=220,
    ),
    Specialty(
        "Ophthalmology",
        ("Consultant Ophthalmic Surgeon", "Consultant Ophthalmologist"),
        ("FRCOphth", "FRCS (Ophth)"),
        ("Cataract surgery", "Laser eye surgery", "Lens replacement surgery", "Glaucoma treatment",
         "Intravitreal injections", "Squint surgery"),
        ("Cataracts", "Glaucoma", "Macular degeneration", "Dry eyes", "Floaters"),
        weight=5,
        surgical=True,
        children=0.2,
        fee=200,
    ),
    Specialty(
        "Neurology",
        ("Consultant Neurologist",),
        ("MRCP", "FRCP"),
        ("EEG", "Nerve conduction studies", "Botox for migraine"),
        ("Headaches", "Migraine", "Epilepsy", "Multiple sclerosis", "Parkinson's disease", "Memory problems"),
        weight=3,
        fee=280,
    ),
    Specialty(
        "Oncology",
        ("Consultant Medical Oncologist", "Consultant Clinical Oncologist"),
        ("MRCP", "FRCP", "FRCR"),
        ("Chemotherapy", "Immunotherapy", "Radiotherapy", "Hormone therapy", "Cancer second opinion"),
        ("Breast cancer", "Prostate cancer", "Lung cancer", "Bowel cancer", "Lymphoma"),
        weight=3,
        fee=320,
    ),
    Specialty(
        "Haematology",
        ("Consultant Haematologist",),
        ("MRCP, FRCPath", "FRCPath"),
        ("Iron infusion", "Bone marrow biopsy", "Anticoagulation management"),
        ("Anaemia", "Blood clots (DVT)", "Leukaemia", "Easy bruising"),
        fee=260,
    ),
    Specialty(
        "Endocrinology",
        ("Consultant Endocrinologist", "Consultant in Diabetes and Endocrinology"),
        ("MRCP", "FRCP"),
        ("Diabetes management", "Thyroid ultrasound", "Hormone replacement therapy (HRT)"),
        ("Diabetes", "Underactive thyroid", "Overactive thyroid", "Thyroid nodules", "Testosterone deficiency"),
        weight=3,
        fee=250,
    ),
    Specialty(
        "Respiratory medicine",
        ("Consultant Respiratory Physician", "Consultant Chest Physician"),
        ("MRCP", "FRCP"),
        ("Lung function tests", "Bronchoscopy", "Sleep study", "CPAP therapy"),
        ("Asthma", "COPD", "Chronic cough", "Sleep apnoea", "Breathlessness"),
        weight=3,
        fee=240,
    ),
    Specialty(
        "Vascular surgery",
        ("Consultant Vascular Surgeon",),
        ("FRCS (Vasc)", "FRCS"),
        ("Endovenous laser ablation (EVLA)", "Radiofrequency ablation of veins", "Sclerotherapy",
         "Aneurysm repair"),
        ("Varicose veins", "Thread veins", "Leg ulcers", "Peripheral arterial disease"),
        weight=3,
        surgical=True,
        fee=220,
    ),
    Specialty(
        "Paediatrics",
        ("Consultant Paediatrician",),
        ("MRCPCH", "FRCPCH"),
        ("Child development assessment", "Children's allergy testing", "Children's health check"),
        ("Childhood asthma", "Bedwetting", "Growth problems", "Reflux in babies", "Constipation in children"),
        weight=3,
        children=1.0,
        fee=220,
    ),
    Specialty(
        "Allergy",
        ("Consultant Allergist", "Consultant in Allergy and Clinical Immunology"),
        ("MRCP", "FRCP", "FRCPath"),
        ("Allergy testing", "Skin prick testing", "Allergen immunotherapy (desensitisation)"),
        ("Hay fever", "Food allergy", "Hives (urticaria)", "Anaphylaxis"),
        weight=1,
        children=0.4,
        fee=260,
    ),
    Specialty(
        "Psychiatry",
        ("Consultant Psychiatrist", "Consultant General Adult Psychiatrist"),
        ("MRCPsych", "FRCPsych"),
        ("Psychiatric assessment", "Medication review", "Interpersonal therapy (IPT)",
         "Cognitive behavioural therapy (CBT)", "ADHD assessment", "Autism assessment"),
        ("Depression", "Anxiety", "Bipolar disorder", "Post-traumatic stress disorder (PTSD)",
         "Obsessive compulsive disorder (OCD)", "ADHD", "Eating disorders", "Addiction"),
        weight=4,
        children=0.12,
        related="Psychotherapy",
        fee=320,
    ),
    Specialty(
        "Psychology",
        ("Consultant Clinical Psychologist", "Consultant Psychologist", "Chartered Counselling Psychologist",
         "Consultant Neuropsychologist"),
        ("CPsychol", "CPsychol, AFBPsS"),
        ("Cognitive behavioural therapy (CBT)", "EMDR", "Acceptance and commitment therapy (ACT)",
         "Compassion-focused therapy", "Neuropsychological assessment"),
        ("Anxiety", "Depression", "Stress", "Panic attacks", "Phobias", "Low self-esteem"),
        weight=3,
        training="psychology",
        children=0.25,
        fee=170,
    ),
    Specialty(
        "Psychotherapy",
        ("Consultant Psychotherapist", "Consultant Psychotherapist/Counsellor", "Psychotherapist"),
        ("UKCP Registered", "MBACP (Accred)", "BPC Registered", "Accredited Therapist"),
        ("Integrative psychotherapy", "Counselling", "Couples therapy", "Cognitive behavioural therapy (CBT)",
         "Family therapy"),
        ("Relationship problems", "Bereavement", "Stress", "Anxiety", "Depression"),
        training="therapy",
        fee=150,
    ),
    Specialty(
        "Radiology",
        ("Consultant Radiologist", "Consultant Musculoskeletal Radiologist", "Consultant Interventional Radiologist"),
        ("FRCR",),
        ("MRI scan", "CT scan", "Ultrasound scan", "X-ray", "Mammogram", "Uterine fibroid embolisation"),
        (),
        weight=4,
        children=0.15,
        fee=180,
    ),
    Specialty(
        "Oral and maxillofacial surgery",
        ("Consultant Oral and Maxillofacial Surgeon",),
        ("FDS RCS, FRCS (OMFS)", "FDS RCS, FRCS"),
        ("Wisdom tooth removal", "Jaw surgery (orthognathic surgery)", "TMJ treatment"),
        ("Impacted wisdom teeth", "Jaw pain", "Facial injuries"),
        surgical=True,
        training="dental",
        children=0.3,
        fee=190,
    ),
)
# fmt: on

LANGUAGES = (
    "French", "Spanish", "German", "Italian", "Greek", "Portuguese", "Polish", "Arabic", "Hindi", "Urdu",
    "Punjabi", "Gujarati", "Bengali", "Tamil", "Mandarin", "Cantonese", "Farsi", "Turkish", "Welsh", "Russian",
)  # fmt: skip
INSURERS = (
    "Bupa", "AXA Health", "Aviva", "Vitality", "WPA", "Cigna", "Simplyhealth", "Allianz Care",
    "Freedom Health Insurance", "The Exeter", "Healix", "CS Healthcare", "General & Medical", "Aetna",
)  # fmt: skip
# What comes before the royal college in a qualifications string: for each training,
# (chance of the slot being filled, its options), in order.
_FIRST_DEGREES = ("BSc (Hons)", "BA (Cantab)", "MA (Oxon)", "BMedSci")
_MEDICAL_DEGREES = (
    "MB ChB",
    "MBBS",
    "MB BS (Lond)",
    "MB BCh",
    "BM BCh (Oxon)",
    "MB BChir (Cantab)",
    "BM",
    "MB BCh BAO",
)
_HIGHER_DEGREES = ("MD", "PhD", "MSc", "DM")
QUALIFICATION_SLOTS: dict[Training, tuple[tuple[float, tuple[str, ...]], ...]] = {
    "medical": ((0.35, _FIRST_DEGREES), (1.0, _MEDICAL_DEGREES), (0.35, _HIGHER_DEGREES)),
    "dental": ((1.0, ("BDS",)), (1.0, _MEDICAL_DEGREES), (0.2, _HIGHER_DEGREES)),
    "psychology": (
        (1.0, ("BSc (Hons)", "BA (Hons)", "MA (Hons)")),
        (0.3, ("MSc",)),
        (1.0, ("DClinPsy", "PsychD", "DCounsPsy")),
    ),
    "therapy": (
        (0.5, ("BA (Hons)", "BSc (Hons)", "MA")),
        (1.0, ("Dip Counselling/Psychotherapy", "MA Psychodynamic Psychotherapy", "PG Dip CBT")),
    ),
}

BIOS = (
    "{name} is a {title} at {hospital}. Special interests: {interests}.",
    "{name} trained in {town} and was appointed a consultant in {year}. Special interests: {interests}.",
    "{name} has practised privately since {year} and sees patients at {hospital}. Special interests: {interests}.",
)
TOWNS = (
    "London", "Birmingham", "Manchester", "Leeds", "Bristol", "Sheffield", "Newcastle", "Nottingham", "Leicester",
    "Cardiff", "Edinburgh", "Glasgow", "Aberdeen", "Dundee", "Oxford", "Cambridge", "Southampton", "Liverpool",
    "Dublin", "Belfast",
)  # fmt: skip

# Names that Faker's en_GB lists lack but a real catalog has, so search is tested on them.
ACCENTED_FIRST_NAMES: dict[Gender, tuple[str, ...]] = {
    "female": ("Zoë", "Chloé", "Renée", "Siân", "Anaïs", "Inés", "Aoibhín", "Noémie"),
    "male": ("José", "Seán", "Ciarán", "Rónán", "André", "Jérôme", "Dáithí", "Tomás"),
}
ACCENTED_LAST_NAMES = ("Núñez", "Gómez", "Müller", "Lefèvre", "García", "Pérez", "Ó Súilleabháin", "Wójcik", "Öztürk")
APOSTROPHE_LAST_NAMES = ("O'Flaherty", "O'Hara", "O'Reilly", "O'Dwyer", "D'Souza", "D'Costa", "D'Arcy", "O'Keeffe")


def _seed(
    specialist_id: str,
    honorific: str | None,
    first_name: str,
    last_name: str,
    title: str,
    qualifications: str | None,
    specialty: str,
    hospital_ids: tuple[str, ...],
    bookable_online: bool = False,
) -> Specialist:
    profile = f"{WEB}/consultants/{specialist_id}"
    return Specialist.model_validate(
        {
            "id": specialist_id,
            "honorific": honorific,
            "first_name": first_name,
            "last_name": last_name,
            "title": title,
            "qualifications": qualifications,
            "specialties": [specialty],
            "treatments": ["Psychodynamic therapy"],
            "hospitals": [HOSPITALS_BY_ID[hospital_id] for hospital_id in hospital_ids],
            "bookable_online": bookable_online,
            "booking_url": f"{profile}/book" if bookable_online else None,
            "profile_url": profile,
        }
    )


# The seed page's "Specialists offering Psychodynamic therapy", in its order; as on that page,
# they are the only ones who offer it (no generated specialist's pool holds it), so the demo's
# /treatments/psychodynamic-therapy lists these six. Only what the page shows is filled in
# here: no gender, languages, insurers or bio are invented for them. What patients choose on
# (fees, registration, slots) is in SEED_PRACTICE below, since its times count from the run.
SEED_SPECIALISTS: tuple[Specialist, ...] = (
    _seed("krish-nandy", "Dr", "Krish", "Nandy", "Consultant Psychiatrist", None, "Psychiatry",
          ("london-independent", "hendon"), bookable_online=True),
    _seed("kay-rowlands", "Mrs", "Kay", "Rowlands", "Consultant Psychotherapist/Counsellor",
          "Dip Counselling/Psychotherapy, Post Grad Cognitive Behavioural Therapy (CBT), Accredited Therapist",
          "Psychotherapy", ("beaumont",)),
    _seed("christine-marklow", "Dr", "Christine", "Marklow", "Consultant Psychologist", None, "Psychology",
          ("highfield",)),
    _seed("margaret-mary-searle", "Dr", "Margaret Mary", "Searle", "Consultant Clinical Psychologist",
          "MSc, Dip.Clin.Psychol., Dip.Clin.Neuropsychol., B.Sc(Hons) C.Psychol., D.Clin.Psychol", "Psychology",
          ("blackheath",)),
    _seed("gordon-james-turnbull", None, "Gordon James", "Turnbull", "Consultant Psychiatrist",
          "BSc, MB, ChB, FRCP, FRCPsych", "Psychiatry", ("ridgeway",)),
    _seed("richard-oflynn", "Dr", "Richard", "O'Flynn", "Consultant Psychiatrist", "MB, BS (Lond) FRCPsych",
          "Psychiatry", ("st-edmunds",)),
)  # fmt: skip


@dataclass(frozen=True)
class SeedPractice:
    """A seed-page specialist's fees, registration and slots: fixed, their times counted from the
    generator's ``now`` so they stay as fresh as the generated specialists'."""

    gmc_number: str
    specialist_register: tuple[str, ...]
    verified_days_ago: int
    fees: tuple[int, int]  # initial consultation and follow-up, in pounds
    fees_days_ago: int
    consultation_types: tuple[ConsultationType, ...]
    slots: tuple[tuple[int, int] | None, ...]  # per hospital, in order: (working days ahead, hour UTC), or none known


# All registered. GMC numbers start with 7, which generated ones never do; psychologists and
# psychotherapists are on no specialty of the GMC's specialist register.
SEED_PRACTICE: dict[str, SeedPractice] = {
    "krish-nandy": SeedPractice("7031842", ("Psychiatry",), 12, (300, 200), 20, ("in_person", "video"),
                                ((2, 10), (9, 14))),
    "kay-rowlands": SeedPractice("7104527", (), 40, (150, 120), 60, ("in_person", "video", "phone"), ((5, 9),)),
    "christine-marklow": SeedPractice("7158360", (), 95, (180, 150), 150, ("in_person", "video"), ((1, 15),)),
    "margaret-mary-searle": SeedPractice("7216094", (), 7, (200, 160), 90, ("in_person",), ((12, 11),)),
    "gordon-james-turnbull": SeedPractice("7263715", ("Psychiatry",), 200, (320, 220), 300, ("in_person", "video"),
                                          ((20, 16),)),
    "richard-oflynn": SeedPractice("7329481", ("Psychiatry",), 30, (280, 190), 45, ("in_person", "phone"), (None,)),
}  # fmt: skip
