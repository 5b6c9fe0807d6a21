"""The submission/review engine (see services.py for the state machine)."""
from ..plugin_host import PluginError

LEVELS = ("district", "city", "national", "chosen")


def collect_chains(pm) -> dict:
    chains = {}
    for plugin_chains in pm.hook.kjgl_review_chains():
        for chain in plugin_chains or []:
            if chain.kind in chains:
                raise PluginError(f"两个插件声明了同一审核流程 (duplicate review chain): {chain.kind}")
            if not chain.steps:
                raise PluginError(f"审核流程 {chain.kind} 没有审核环节")
            for step in chain.steps:
                if step.level not in LEVELS:
                    raise PluginError(f"审核流程 {chain.kind}: 未知审核层级 {step.level}")
            chains[chain.kind] = chain
    return chains


def includeme(config):
    config.registry["kjgl.review_chains"] = collect_chains(config.registry["kjgl.pm"])
