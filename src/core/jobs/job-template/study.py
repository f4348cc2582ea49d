#!/usr/bin/env python3
"""Spatter Studio job: an Optuna study that cluster workers share and continue.

  python3 study/study.py --trials 10                      # one worker; start as many as you like
  python3 study/study.py --trials 10 --nproc 4 training.epochs=10   # each trial under torchrun, with overrides
  python3 study/study.py --show                           # the best trial so far

The search space is study/space.json (studio config keys, with the research Hydra key each maps to). The study
lives in study/journal.log, an Optuna JournalStorage file (JSON lines): workers on shared storage append to it,
and a journal exported by Spatter Studio is continued. Each trial runs ../train.py with the trial's values as
Hydra overrides into outputs/study/trial-<n>/ and returns the best validation accuracy: the test split is never
used to choose. Needs optuna (Debian: python3-optuna) besides train.py's packages.
"""
import argparse
import json
import os
import subprocess
import sys
import warnings

import optuna
from optuna.storages import JournalFileStorage, JournalStorage

warnings.filterwarnings('ignore', category=optuna.exceptions.ExperimentalWarning)
HERE = os.path.dirname(os.path.abspath(__file__))
JOB = os.path.dirname(HERE)


def load():
    with open(os.path.join(HERE, 'space.json'), encoding='utf-8') as f:
        spec = json.load(f)
    storage = JournalStorage(JournalFileStorage(os.path.join(HERE, 'journal.log')))
    study = optuna.create_study(study_name=spec['name'], storage=storage, direction=spec['direction'],
                                load_if_exists=True)
    return spec, study


def suggest(trial, p):
    if p['type'] == 'float':
        return trial.suggest_float(p['name'], p['low'], p['high'], log=bool(p.get('log')))
    if p['type'] == 'int':
        return trial.suggest_int(p['name'], p['low'], p['high'])
    return trial.suggest_categorical(p['name'], p['choices'])


def override(p, value):
    value = p.get('hydra_values', {}).get(str(value), value)
    if isinstance(value, bool):
        value = 'true' if value else 'false'
    return f"{p['hydra']}={value}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--trials', type=int, default=None, help='trials this worker runs')
    ap.add_argument('--nproc', type=int, default=1, help='processes per trial (torchrun) ')
    ap.add_argument('--show', action='store_true', help='print the best trial and stop')
    args, overrides = ap.parse_known_args()
    spec, study = load()
    if args.show:
        done = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
        if not done:
            print('no complete trial yet')
            return
        print(json.dumps({'best_value': study.best_value, 'best_params': study.best_params, 'trials': len(done)}))
        return

    def objective(trial):
        values = [override(p, suggest(trial, p)) for p in spec['space']]
        out = os.path.join('outputs', 'study', f'trial-{trial.number}')
        if args.nproc > 1:
            cmd = [sys.executable, '-m', 'torch.distributed.run', '--standalone', '--nnodes', '1',
                   '--nproc_per_node', str(args.nproc)]
            if sys.version_info >= (3, 11):
                cmd += ['--redirects', '2', '--tee', '2']
        else:
            cmd = [sys.executable]
        cmd += ['train.py', *overrides, *values, f'studio.output_dir={out}']
        print('trial', trial.number, ' '.join(values), flush=True)
        subprocess.run(cmd, cwd=JOB, check=True)
        with open(os.path.join(JOB, out, 'result.json'), encoding='utf-8') as f:
            result = json.load(f)
        trial.set_user_attr('overrides', values)
        trial.set_user_attr('epochs_run', result['epochs_run'])
        return result[spec['metric']]

    study.optimize(objective, n_trials=args.trials or int(spec.get('trials_per_worker', 10)))
    print(f'best_value={study.best_value} best_params={json.dumps(study.best_params)}', flush=True)


if __name__ == '__main__':
    main()
