#!/usr/bin/python3
"""CMUdict (Debian's festlex-cmu) as grapheme-to-phoneme TSV for `recur seq2seq`.

Reads /usr/share/festival/dicts/cmu/cmudict-0.4.out, whose entries are
    ("abbey" nil (((ae) 1) ((b iy) 0)))
(word, part of speech, syllables each with its stress), and writes
    abbey<TAB>AE1 B IY0
one line per distinct (spelling, pronunciation): phonemes upper-cased, the
syllable's stress (0, 1, 2) kept on its vowel, parts of speech dropped (two
entries that differ only there are one line). Words whose spelling holds
anything but a-z and an apostrophe are left out (festival's few entries with
digits or dots). Split 90/5/5 by word with a fixed seed: every pronunciation
of a word lands in the same part (recur groups them as several references).

usage: cmudict_tsv.py OUTDIR   (writes OUTDIR/{train,dev,test}.tsv)
"""
import random
import re
import sys
from pathlib import Path

LEXICON = Path("/usr/share/festival/dicts/cmu/cmudict-0.4.out")
VOWELS = {"aa", "ae", "ah", "ao", "aw", "ax", "ay", "eh", "er", "ey", "ih", "iy", "ow", "oy", "uh", "uw"}
ENTRY = re.compile(r'^\("((?:[^"\\]|\\.)*)" \S+ \((.*)\)\)$')
SYLLABLE = re.compile(r"\(\(([^()]*)\) (\d)\)")


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    pronunciations = {}  # word -> ordered distinct pronunciations
    for line in LEXICON.read_text(encoding="latin-1").splitlines():
        m = ENTRY.match(line.strip())
        if not m:
            continue  # the "MNCL" header
        word, body = m.group(1), m.group(2)
        if not re.fullmatch(r"[a-z']+", word):
            continue
        phones = []
        for syllable, stress in SYLLABLE.findall(body):
            for p in syllable.split():
                phones.append(p.upper() + (stress if p in VOWELS else ""))
        if phones:
            pron = " ".join(phones)
            prons = pronunciations.setdefault(word, [])
            if pron not in prons:
                prons.append(pron)
    words = sorted(pronunciations)
    random.Random(2015).shuffle(words)
    n = len(words)
    parts = {"train": words[: int(n * 0.9)], "dev": words[int(n * 0.9): int(n * 0.95)], "test": words[int(n * 0.95):]}
    for name, part in parts.items():
        with open(out / f"{name}.tsv", "w") as f:
            for w in sorted(part):
                for p in pronunciations[w]:
                    f.write(f"{w}\t{p}\n")
        lines = sum(len(pronunciations[w]) for w in part)
        print(f"{name}: {len(part)} words, {lines} pronunciations", file=sys.stderr)


if __name__ == "__main__":
    main()
