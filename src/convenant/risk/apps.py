from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from convenant.core.reference_data import (
    Loaded,
    register_reference_loader,
    register_separate_dataset,
)


class RiskConfig(AppConfig):
    name = "convenant.risk"
    label = "risk"
    verbose_name = _("Risk")

    def ready(self) -> None:
        from convenant.risk import hooks, privacy

        hooks.register()
        privacy.register()
        register_reference_loader(
            "risk", "risk reference datasets and methodology", _load_reference, 10
        )
        register_separate_dataset(
            "conduct",
            "conduct data (UN Global Compact / OECD violations) from your data provider",
            "convenant load_conduct FILE --source NAME --by EMAIL",
        )


def _load_reference() -> list[Loaded]:
    """Each library folder whose edition is not loaded, or whose PROVENANCE.md changed;
    an edition loaded from the same files is left alone (no new rows, no audit event)."""
    import yaml

    from convenant.risk.actions import library_folders, load_reference_dataset
    from convenant.risk.models import ReferenceDataset

    results = []
    for folder in library_folders():
        manifest = yaml.safe_load((folder / "dataset.yaml").read_text(encoding="utf-8"))
        provenance = (folder / "PROVENANCE.md").read_text(encoding="utf-8")
        loaded = ReferenceDataset.objects.filter(
            key=manifest["id"], edition=str(manifest["edition"])
        ).first()
        if loaded is not None and loaded.provenance == provenance:
            results.append(Loaded(f"{loaded}: already loaded, unchanged.", changed=False))
            continue
        dataset = load_reference_dataset(folder)
        verb = "reloaded" if loaded else "loaded"
        results.append(Loaded(f"{dataset}: {verb}, {dataset.rows} rows.", changed=True))
    return results
