#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks that the tree's references resolve inside the repository.

1. Every section cited with "§" names a heading that exists: in docs/ble-testing.md when the citation
   follows "ble-testing.md" (there §4.N and §6.N are items N of the numbered lists of sections 4 and
   6), else in docs/protocol.md (the default: a bare §N.M in the code cites docs/protocol.md), whose
   numbered list items never count as sections. "RFC nnnn §x" is skipped. Lists such as
   "§4.11, §4.13" and "§5, §8" inherit the document of their first member.
2. No tracked text file names an absolute path of a build machine (under the work folder, root's home
   or a user's home), except the made-up display paths listed in ALLOWED_PATHS.
3. Every docs/*.md that a tracked file names exists.
Exit 1 with one line per problem."""
import pathlib, re, subprocess, sys

root = pathlib.Path(__file__).resolve().parent.parent
listing = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True).stdout
files = [f for f in listing.decode("utf-8").split("\0") if f and (root / f).is_file()]
BINARY = (".png", ".jpg", ".svg", ".sqlite", ".ico")
# Made-up paths a test shows on screen; never a machine's (file, path) pair.
ALLOWED_PATHS = {("tests/workstation/qml/FakeSettings.qml", "/home/tech/")}


def sections(doc: str, item_sections=()):
    """Numbers of headings ("## 4." / "### 4.2"), plus "N.M" for item M of the numbered list directly
    under '## N.' when N is in item_sections."""
    found, current = set(), None
    for line in (root / doc).read_text(encoding="utf-8").splitlines():
        m = re.match(r"^#{2,4}\s+(\d+(?:\.\d+)*)\.?\s", line)
        if m:
            found.add(m.group(1))
            current = m.group(1) if "." not in m.group(1) else None
            continue
        m = re.match(r"^(\d+)\.\s", line)
        if m and current in item_sections:
            found.add(f"{current}.{m.group(1)}")
    return found


docs = {"protocol": sections("docs/protocol.md"), "ble-testing": sections("docs/ble-testing.md", ("4", "6"))}
cite = re.compile(r"(RFC\s*\d+\s*|ble-testing\.md\s*|protocol\.md\s*)?§\s?(\d+(?:\.\d+)*)((?:\s*(?:,|and|/)\s*§\s?\d+(?:\.\d+)*)*)")
abs_path = re.compile(r"(?<![\w.~-])(/(?:work|root)/|/home/[a-z][\w.-]*/)")
doc_ref = re.compile(r"docs/[\w.-]+\.md")
problems = []
for f in files:
    if f.endswith(BINARY) or f == "scripts/check-docs.py":
        continue
    text = (root / f).read_text(encoding="utf-8", errors="replace")
    for n, line in enumerate(text.splitlines(), 1):
        for m in abs_path.finditer(line):
            if (f, m.group(1)) not in ALLOWED_PATHS:
                problems.append(f"{f}:{n}: absolute machine path: {line.strip()}")
    if f.startswith("tests/data/"):
        continue  # copied reference material: checked for paths only
        for ref in doc_ref.findall(line):
            if not (root / ref).exists():
                problems.append(f"{f}:{n}: {ref} does not exist")
    if f in ("docs/protocol.md", "docs/ble-testing.md"):
        continue  # their own § are internal cross-references, checked by reading
    # A citation may wrap onto the next comment line: join lines, remembering where each starts.
    starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
    flat = re.sub(r"\n\s*(?:///?<?|#|\*)?\s*", lambda m: " " * len(m.group(0)), text)
    for m in cite.finditer(flat):
        line = next(i for i in range(len(starts), 0, -1) if starts[i - 1] <= m.start())
        prefix = (m.group(1) or "").strip()
        if prefix.startswith("RFC"):
            continue
        doc = "ble-testing" if prefix.startswith("ble-testing") else "protocol"
        for num in [m.group(2)] + re.findall(r"§\s?(\d+(?:\.\d+)*)", m.group(3) or ""):
            if num not in docs[doc]:
                problems.append(f"{f}:{line}: §{num} is not a section of docs/{doc}.md")
for p in sorted(set(problems)):
    print(p)
print(f"check-docs: {len(files)} files, {len(set(problems))} problems", file=sys.stderr)
sys.exit(1 if problems else 0)
