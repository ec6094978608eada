"""A hard cap, counted by the teacher itself: each run is capped at a share of what it needs, must stop having sent at most
the cap (the teacher server's own count), and --resume with a larger cap must end as the uninterrupted run did.

usage: python scripts/cap_check.py [--methods standard-kd,fsbbt,divbfkd] [--share 0.5] [--out runs/cap-check]"""
import argparse, json, os, subprocess
from pathlib import Path
from fskd_nb.core import load_result
from _served import serve, identical, FSKD

p = argparse.ArgumentParser(); p.add_argument('--out', default='runs/cap-check'); p.add_argument('--share', type=float, default=.5)
p.add_argument('--methods', default='standard-kd,fsbbt,divbfkd')
a = p.parse_args()
ENV, OUT = dict(os.environ, CI='1'), Path(a.out)
srv, url, answered = serve()
cmd = lambda m, out, *x: [FSKD, 'distill', m, '--config', 'smoke', '--teacher', url, '--sample', '--shots', '20', '--mte-images', '10', *x, '--out', str(out)]
print('| method | images the uninterrupted run sent | --cap | sent before it stopped (the teacher\'s count) | exit code | stage | message | resumed with --cap 10⁶: identical, images sent |\n|---|---|---|---|---|---|---|---|')
try:
    for m in a.methods.split(','):
        n0 = answered(); subprocess.run(cmd(m, OUT/m/'whole'), check=True, capture_output=True, env=ENV); whole = answered() - n0
        cap = int(whole * a.share); n1 = answered()
        r = subprocess.run(cmd(m, OUT/m/'cut', '--cap', str(cap)), capture_output=True, text=True, env=ENV); sent = answered() - n1
        failed = OUT/m/'cut'/'failed.json'
        stage = json.loads(failed.read_text())['stage'] if failed.exists() else load_result(OUT/m/'cut').extra.get('failed', {}).get('stage', '–') if (OUT/m/'cut'/'result.json').exists() else '–'
        n2 = answered()
        r2 = subprocess.run([*cmd(m, OUT/m/'cut', '--cap', str(10**6))[:-2], '--resume', str(OUT/m/'cut')], capture_output=True, text=True, env=ENV)
        same = r2.returncode == 0 and identical(OUT/m/'whole', OUT/m/'cut')
        msg = r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ''
        print(f"| {m} | {whole} | {cap} | {sent} {'≤' if sent <= cap else '>'} cap | {r.returncode} | {stage} | {msg[:150].replace('|', '/')}… | {'yes' if same else 'NO'}, {answered() - n2} |", flush=True)
finally: srv.terminate()
