#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks that the tree's references resolve inside the repository.

1. Every section cited with "§" names a section that exists: in docs/ble-testing.md when the citation
   follows "ble-testing.md" (§4.N and §6.N there are items N of sections 4 and 6), else in
   docs/protocol.md (the default: a bare §N.M in the code cites docs/protocol.md). "RFC nnnn §x" is
   skipped. Lists such as "§4.11, §4.13" and "§5, §8" inherit the document of their first member.
2. No tracked file names an absolute path of a build machine (/work/, /root/, /home/<user>/).
3. Every docs/*.md that a tracked file names exists.
Exit 1 with one line per problem."""
import pathlib, re, subprocess, sys

root = pathlib.Path(__file__).resolve().parent.parent
files = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True).stdout.split()
TEXT = (".cpp", ".h", ".proto", ".qml", ".md", ".txt", ".cmake", ".sh", ".py", ".json", ".conf")


def sections(doc: str):
    """Numbers of headings ("## 4." / "### 4.2") and of the numbered items under each '## N.' heading."""
    found, current = set(), None
    for line in (root / doc).read_text(encoding="utf-8").splitlines():
        m = re.match(r"^#{2,4}\s+(\d+(?:\.\d+)*)\.?\s", line)
        if m:
            found.add(m.group(1))
            current = m.group(1).split(".")[0]
            continue
        m = re.match(r"^(\d+)\.\s", line)
        if m and current is not None:
            found.add(f"{current}.{m.group(1)}")
    return found


docs = {"protocol": sections("docs/protocol.md"), "ble-testing": sections("docs/ble-testing.md")}
cite = re.compile(r"(RFC\s*\d+\s*|ble-testing\.md\s*|protocol\.md\s*)?§\s?(\d+(?:\.\d+)*)((?:\s*(?:,|and|/)\s*§\s?\d+(?:\.\d+)*)*)")
abs_path = re.compile(r"(?<![\w.~-])/(?:work|root)/|(?<![\w.~-])/home/(?!tech/)[a-z]")
doc_ref = re.compile(r"docs/[\w.-]+\.md")
problems = []
for f in files:
    if not f.endswith(TEXT) or f.startswith("tests/data/"):
        continue
    text = (root / f).read_text(encoding="utf-8", errors="replace")
    if f.startswith("scripts/check-docs"):
        continue
    for n, line in enumerate(text.splitlines(), 1):
        if abs_path.search(line):
            problems.append(f"{f}:{n}: absolute machine path: {line.strip()}")
        for ref in doc_ref.findall(line):
            if not (root / ref).exists():
                problems.append(f"{f}:{n}: {ref} does not exist")
    if f in ("docs/protocol.md", "docs/ble-testing.md"):
        continue  # their own § are internal cross-references, checked by reading
    flat = re.sub(r"\n\s*(?:///?<?|#|\*)?\s*", " ", text)  # a citation may wrap onto the next comment line
    for m in cite.finditer(flat):
        prefix = (m.group(1) or "").strip()
        if prefix.startswith("RFC"):
            continue
        doc = "ble-testing" if prefix.startswith("ble-testing") else "protocol"
        for num in [m.group(2)] + re.findall(r"§\s?(\d+(?:\.\d+)*)", m.group(3) or ""):
            if num not in docs[doc]:
                problems.append(f"{f}: §{num} is not a section of docs/{doc}.md")
for p in sorted(set(problems)):
    print(p)
print(f"check-docs: {len(files)} files, {len(set(problems))} problems", file=sys.stderr)
sys.exit(1 if problems else 0)
