"""``python -m indexer.demo_treatments OUT.jsonl``: the demo treatments content feed.

The seed page's treatment, Psychodynamic therapy, in full (summary and its four sections,
written for this project under the seed page's headings), and a short page (summary and
one section) for a dozen other treatments of the demo catalog. Every other treatment the
demo catalog names deliberately has no content: its page must still work, listing its
specialists with ``has_content`` false.

Labels are exactly as ``indexer/demo_data.py`` spells them, so each slug joins the catalog.
The wording is general patient information: no figures, no promises of outcome. Output
is fixed (timestamps included): the same code gives the same bytes.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from chalicelib.slugs import slugify
from chalicelib.treatments.content import TreatmentContent

PSYCHODYNAMIC_THERAPY: dict[str, Any] = {
    "label": "Psychodynamic therapy",
    "also_known_as": ["Psychodynamic psychotherapy", "Psychoanalytic psychotherapy"],
    "summary": (
        "A talking therapy that helps you explore how feelings, memories and ways of relating to others, some of "
        "which you may not be fully aware of, affect how you feel now, so that you can understand yourself better "
        "and find your own ways through problems."
    ),
    "sections": [
        {
            "heading": "What is psychodynamic therapy?",
            "body": (
                "Psychodynamic therapy is a **talking therapy**. It has its roots in psychoanalysis, but the name now "
                "covers a family of approaches, from open-ended work over a long period to shorter courses with a "
                "clear focus. Some of them overlap with what many people would call counselling.\n\n"
                "The idea behind it is that experiences, feelings and habits of thinking that we are not fully aware "
                "of can shape how we feel, what we do and how we get on with other people. Therapy gives you time "
                "and a safe place to notice these patterns and to think about where they may have come from.\n\n"
                "People come to it for many reasons, such as low mood, anxiety, difficulties in relationships or a "
                "sense of being stuck. The NHS website's [mental health pages](https://www.nhs.uk/mental-health/) "
                "have general information about talking therapies and other support."
            ),
        },
        {
            "heading": "How does psychodynamic therapy work?",
            "body": (
                "At the centre of the work is the relationship between you and your therapist. It depends on trust, "
                "on both of you committing to the work, and on clear, reliable arrangements: regular sessions, "
                "agreed times and confidentiality within limits your therapist will explain. Within it you can talk "
                "about things that may be hard to raise with family or friends.\n\n"
                "Your therapist listens closely and may point out patterns they notice: in what you describe, in "
                "your relationships, and sometimes in how you respond to the therapy itself. Thinking about these "
                "together can help you make sense of difficult feelings and see more choices in how you respond.\n\n"
                "More traditional forms pay particular attention to *unconscious* wishes, fears and defences. Many "
                "psychodynamic therapists today work more broadly, but the focus on understanding, rather than "
                "on advice or set exercises, is common to all of them."
            ),
        },
        {
            "heading": "What happens during a psychodynamic therapy session?",
            "body": (
                "Sessions usually take place at a regular time, often weekly, in a quiet, private room. How the "
                "therapy is organised depends on the therapist's approach. At the start you would usually:\n\n"
                "- talk about what has brought you to therapy\n"
                "- agree how often you will meet and for how long each time\n"
                "- agree whether there will be a set number of sessions, and any goals\n"
                "- ask about the therapist's training and way of working\n\n"
                "Most of the time is spent talking, and you are generally free to bring whatever is on your mind. "
                "Some therapists also use art, drama or movement, which can help people who find words difficult.\n\n"
                "With children, play is often used, because it is the way they express themselves most easily. "
                "Children and young people should see a therapist trained to work with their age group."
            ),
        },
        {
            "heading": "Are there any side effects associated with this type of therapy?",
            "body": (
                "Talking about painful experiences can be hard. Some people feel more low or anxious for a while "
                "as they look at the difficulties they came to therapy with. It can help to tell your therapist "
                "when this happens, so that you can think about it together.\n\n"
                "Your therapist should have arrangements in place in case you become more seriously unwell, such "
                "as links with a psychiatrist or your GP. If you feel much worse or have thoughts of harming "
                "yourself, tell your therapist or GP straight away, call NHS 111, or call 999 in an emergency.\n\n"
                "Before you start, check that your therapist is **appropriately qualified and registered** with a "
                "recognised professional body, such as the UKCP, the BACP or the BPC. It also matters that you feel "
                "able to talk to them: if you do not feel safe in the relationship, say so, or look for another "
                "therapist."
            ),
        },
    ],
    "related_conditions": ["Depression", "Anxiety", "Relationship problems", "Low self-esteem"],
    "related_specialties": ["Psychotherapy", "Psychology", "Psychiatry"],
    "updated_at": "2025-05-06T10:00:00Z",
}


def _short(
    label: str,
    summary: str,
    heading: str,
    body: str,
    conditions: Sequence[str],
    specialties: Sequence[str],
    updated_at: str,
    also_known_as: Sequence[str] = (),
) -> dict[str, Any]:
    return {
        "label": label,
        "also_known_as": list(also_known_as),
        "summary": summary,
        "sections": [{"heading": heading, "body": body}],
        "related_conditions": list(conditions),
        "related_specialties": list(specialties),
        "updated_at": updated_at,
    }


# fmt: off
SHORT_ENTRIES: tuple[dict[str, Any], ...] = (
    _short(
        "Cognitive behavioural therapy (CBT)",
        "A structured talking therapy that looks at how thoughts, feelings, physical sensations and actions affect "
        "each other, and helps you practise new ways of dealing with problems.",
        "What is CBT?",
        "CBT focuses on **current problems** rather than on the past. You and your therapist agree goals and work "
        "on them together, often over a set number of sessions.\n\n"
        "Between sessions you may be asked to try things out, such as keeping a diary or gradually facing "
        "situations you avoid. CBT is not right for everyone; your therapist will talk through whether it suits "
        "you.",
        ["Anxiety", "Depression", "Panic attacks", "Phobias", "Obsessive compulsive disorder (OCD)"],
        ["Psychology", "Psychotherapy", "Psychiatry"],
        "2025-04-14T09:00:00Z",
        also_known_as=["CBT", "Cognitive behaviour therapy"],
    ),
    _short(
        "Counselling",
        "A talking therapy in which a trained counsellor listens without judging and helps you find your own ways "
        "of coping with difficult feelings or events.",
        "What happens in counselling?",
        "You talk in confidence about what is troubling you, such as a loss, stress or a change in your life. The "
        "counsellor helps you explore your feelings and options; they will not usually tell you what to do.\n\n"
        "Counselling can be short, for a few sessions, or continue for longer, depending on what you need.",
        ["Bereavement", "Stress", "Relationship problems", "Anxiety", "Depression"],
        ["Psychotherapy"],
        "2025-04-14T09:30:00Z",
    ),
    _short(
        "Knee replacement",
        "An operation to replace a damaged knee joint with an artificial one, to ease pain and stiffness that "
        "affect everyday life.",
        "What is a knee replacement?",
        "The worn surfaces of the joint are replaced with metal and plastic parts. It may be considered when knee "
        "pain, for example from osteoarthritis, continues despite other treatments such as exercise, weight loss "
        "or painkillers.\n\n"
        "Your surgeon will explain the benefits, risks and recovery, including the physiotherapy that follows, so "
        "that you can decide together whether surgery is right for you.",
        ["Knee pain", "Osteoarthritis"],
        ["Trauma and Orthopaedics"],
        "2025-03-03T09:00:00Z",
        also_known_as=["Knee arthroplasty"],
    ),
    _short(
        "Hip replacement",
        "An operation to replace a damaged hip joint with an artificial one, to ease pain and improve movement.",
        "What is a hip replacement?",
        "The damaged ball and socket of the hip are replaced with artificial parts. It may be considered when hip "
        "pain or stiffness, often from osteoarthritis, makes daily activities difficult and other treatments have "
        "not helped enough.\n\n"
        "Recovery includes exercises and physiotherapy. Your surgeon will talk you through the risks and what to "
        "expect afterwards.",
        ["Hip pain", "Osteoarthritis"],
        ["Trauma and Orthopaedics"],
        "2025-03-03T09:30:00Z",
        also_known_as=["Hip arthroplasty"],
    ),
    _short(
        "Carpal tunnel release",
        "A minor operation to relieve pressure on the nerve in the wrist that causes the tingling, numbness and "
        "weakness of carpal tunnel syndrome.",
        "What is carpal tunnel release?",
        "The surgeon divides the ligament that forms the roof of the carpal tunnel, giving the nerve more room. It "
        "is usually done under local anaesthetic, and you normally go home the same day.\n\n"
        "It may be suggested when symptoms continue despite simpler treatments, such as wrist splints.",
        ["Carpal tunnel syndrome"],
        ["Hand surgery", "Trauma and Orthopaedics"],
        "2025-03-10T09:00:00Z",
    ),
    _short(
        "Cataract surgery",
        "An operation to replace the cloudy lens of the eye with a clear artificial lens, to improve blurred or "
        "dim vision caused by a cataract.",
        "What happens during cataract surgery?",
        "The operation is usually done under local anaesthetic, one eye at a time, and you normally go home the "
        "same day. The cloudy lens is removed through a small cut and replaced with an artificial one.\n\n"
        "You may need to use eye drops for a few weeks afterwards. Your surgeon will explain the risks and what "
        "to expect.",
        ["Cataracts"],
        ["Ophthalmology"],
        "2025-03-17T09:00:00Z",
    ),
    _short(
        "Colonoscopy",
        "A test that uses a thin, flexible tube with a camera to look at the inside of the large bowel.",
        "What is a colonoscopy?",
        "It can help find the cause of symptoms such as bleeding from the bottom or a change in bowel habit. "
        "Small samples (biopsies) can be taken, and polyps can often be removed, during the test.\n\n"
        "Your bowel needs to be empty, so you will be given a laxative to take beforehand. A sedative or "
        "painkiller is usually offered to make the test more comfortable.",
        ["Rectal bleeding", "Bowel cancer", "Ulcerative colitis", "Crohn's disease"],
        ["Gastroenterology", "Colorectal surgery"],
        "2025-03-24T09:00:00Z",
    ),
    _short(
        "Gastroscopy",
        "A test that uses a thin, flexible tube with a camera to look at the food pipe, stomach and the first "
        "part of the small bowel.",
        "What is a gastroscopy?",
        "It can help find the cause of symptoms such as persistent heartburn, difficulty swallowing or pain in "
        "the upper tummy. Small samples (biopsies) can be taken during the test.\n\n"
        "You will be asked not to eat for some hours beforehand. A throat spray or a sedative is usually offered.",
        ["Acid reflux", "Coeliac disease"],
        ["Gastroenterology"],
        "2025-03-24T09:30:00Z",
        also_known_as=["Upper GI endoscopy", "OGD"],
    ),
    _short(
        "Inguinal hernia repair",
        "An operation to repair a hernia in the groin, where part of the bowel or fatty tissue pushes through a "
        "weak spot in the tummy wall.",
        "How is an inguinal hernia repaired?",
        "The repair can be done through a single cut in the groin (open surgery) or through several small cuts "
        "(keyhole surgery). A mesh is usually placed to strengthen the weak area.\n\n"
        "Your surgeon will discuss which approach suits you, and when you can return to work and exercise.",
        ["Hernia"],
        ["General surgery"],
        "2025-03-31T09:00:00Z",
    ),
    _short(
        "Tonsillectomy",
        "An operation to remove the tonsils, sometimes suggested for repeated severe sore throats or for "
        "breathing problems during sleep.",
        "What is a tonsillectomy?",
        "The tonsils are removed through the mouth under general anaesthetic, so there are no cuts on the "
        "outside. A sore throat for a while afterwards is common.\n\n"
        "Your surgeon will explain the benefits and risks, including the small risk of bleeding, and how to "
        "look after yourself or your child at home.",
        [],
        ["ENT (Ear, nose and throat)"],
        "2025-04-07T09:00:00Z",
    ),
    _short(
        "Vasectomy",
        "A minor operation for men that is intended to be a permanent form of contraception.",
        "What is a vasectomy?",
        "The tubes that carry sperm from the testicles are cut, sealed or tied. It is usually done under local "
        "anaesthetic, and you go home the same day.\n\n"
        "It does not work straight away: you will need to use other contraception until a test shows that no "
        "sperm remain. It should be considered **permanent**, so your surgeon will make sure you have thought it "
        "through.",
        [],
        ["Urology"],
        "2025-04-07T09:30:00Z",
    ),
    _short(
        "MRI scan",
        "A scan that uses a strong magnetic field and radio waves to make detailed pictures of the inside of the "
        "body, without X-rays.",
        "What happens during an MRI scan?",
        "You lie on a bed that moves into a tunnel-shaped scanner. The scanner is noisy, so you are given "
        "earplugs or headphones, and you need to keep still while the pictures are taken.\n\n"
        "Because of the magnet, you will be asked beforehand about any metal in your body, such as a pacemaker "
        "or implants. Tell the team if you are pregnant or find enclosed spaces difficult.",
        [],
        ["Radiology"],
        "2025-04-07T10:00:00Z",
        also_known_as=["Magnetic resonance imaging"],
    ),
)
# fmt: on


def entries() -> list[TreatmentContent]:
    """The demo content: Psychodynamic therapy first, then the short pages in label order."""
    ordered = [PSYCHODYNAMIC_THERAPY, *sorted(SHORT_ENTRIES, key=lambda entry: str(entry["label"]))]
    return [TreatmentContent.model_validate({"slug": slugify(entry["label"]), **entry}) for entry in ordered]


def lines() -> Iterator[bytes]:
    """The demo feed: one compact JSON object per entry, UTF-8, each ending in a line feed."""
    for content in entries():
        yield content.model_dump_json().encode() + b"\n"


def write(path: Path) -> int:
    """Write the demo feed to ``path``; returns how many treatments it holds."""
    written = 0
    with path.open("wb") as out:
        for line in lines():
            out.write(line)
            written += 1
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m indexer.demo_treatments", description="Write the demo treatments content feed."
    )
    parser.add_argument("out", type=Path, help="file to write (JSON Lines)")
    args = parser.parse_args(argv)
    count = write(args.out)
    print(f"wrote {count} treatments to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
