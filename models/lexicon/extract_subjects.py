#!/usr/bin/env python3
"""Collects budget subject codes and names (功能分类 / 经济分类) from text dumps.

Usage: extract_subjects.py TEXT... > subjects.candidates.tsv
Input: text dumps of real disclosures (the seed .txt files, `pdftotext -layout`
output of real budget PDFs). Output: code<TAB>name<TAB>count, one line per
distinct pair. A pair counts when a line holds a code token (3, 5 or 7 digits,
2xx = 功能分类, 3xx/5xx = 经济分类) followed by a name of CJK characters.
The lexicon files are curated from this output (see README.md).
"""
import collections, re, sys

CODE = re.compile(r'(?:^|\s)((?:2[0-3]\d|30\d|31[0-3]|50\d|51\d)(?:\d\d){0,2})\s+'
                  r'([\u4e00-\u9fff（）()、“”\u2460-\u2473]+(?:[（(][\u4e00-\u9fff、]+[）)])?'
                  r'[\u4e00-\u9fff（）()、]*)')
counts = collections.Counter()
for path in sys.argv[1:]:
    with open(path, encoding='utf-8', errors='replace') as f:
        for line in f:
            for code, name in CODE.findall(line):
                name = name.replace('(', '（').replace(')', '）')
                if len(name) < 2 or '万元' in name or name.endswith('年'):
                    continue
                counts[(code, name)] += 1
for (code, name), n in sorted(counts.items()):
    print(f'{code}\t{name}\t{n}')
