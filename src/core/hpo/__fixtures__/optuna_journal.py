# Cross-check of the studio's Optuna journal files with Debian's python3-optuna.
#   read <journal> <study>   : load the study, print its best value/params and its trials as JSON
#   write <journal> <study>  : run a small pruned study in Python Optuna into a journal (for the import test)
import json
import sys
import warnings

warnings.filterwarnings("ignore")
import optuna  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.ERROR)
mode, path, name = sys.argv[1], sys.argv[2], sys.argv[3]
storage = optuna.storages.JournalStorage(optuna.storages.JournalFileStorage(path))

if mode == "read":
    study = optuna.load_study(study_name=name, storage=storage)
    out = {
        "direction": study.direction.name.lower(),
        "best_value": study.best_value,
        "best_params": study.best_params,
        "best_number": study.best_trial.number,
        "user_attrs": study.user_attrs,
        "trials": [
            {
                "number": t.number,
                "state": t.state.name,
                "value": t.value,
                "params": t.params,
                "intermediate": {str(k): v for k, v in t.intermediate_values.items()},
            }
            for t in study.trials
        ],
    }
    # the study continues in Python: one more trial from TPE over the same distributions
    trial = study.ask()
    for k, d in study.best_trial.distributions.items():
        trial._suggest(k, d)
    out["next_params"] = trial.params
    print(json.dumps(out))
else:
    study = optuna.create_study(
        study_name=name,
        storage=storage,
        direction="maximize",
        sampler=optuna.samplers.TPESampler(seed=3),
        pruner=optuna.pruners.MedianPruner(n_startup_trials=3),
    )

    def objective(trial):
        lr = trial.suggest_float("training.lr", 1e-4, 1e-2, log=True)
        bs = trial.suggest_categorical("training.batch_size", [64, 128, 256])
        rot = trial.suggest_int("training.rotation", 0, 30)
        acc = 0.0
        for epoch in range(1, 5):
            acc = 0.9 - 0.05 * abs(__import__("math").log10(lr) + 3) - 0.001 * rot + epoch * 0.01 + (bs == 128) * 0.01
            trial.report(acc, epoch)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return acc

    study.optimize(objective, n_trials=12)
    print(json.dumps({"best_value": study.best_value, "best_params": study.best_params, "n": len(study.trials),
                      "pruned": len([t for t in study.trials if t.state == optuna.trial.TrialState.PRUNED])}))
