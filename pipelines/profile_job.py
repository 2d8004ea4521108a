"""``sedetect profile build ARCHIVE...``: learn the communication profile from past mail, on Beam.

read -> ParseMessages -> CombineGlobally(profile) -> one JSON file. The profile then rides into
``score`` as a side input.
"""
from __future__ import annotations

import argparse
from typing import Optional

import apache_beam as beam

from features.profile import CommunicationProfile
from pipelines.batch import beam_options, check_inputs
from pipelines.errors import check_output_file
from pipelines.quiet_child import quiet_workers
from pipelines.readers import ReadArchives
from pipelines.transforms import ParseMessages, is_error_row


class ProfileCombineFn(beam.CombineFn):
    def create_accumulator(self) -> CommunicationProfile:
        return CommunicationProfile()

    def add_input(self, acc: CommunicationProfile, item) -> CommunicationProfile:
        acc.add(item.msg)
        return acc

    def merge_accumulators(self, accs) -> CommunicationProfile:
        out = CommunicationProfile()
        for acc in accs:
            out = out.merge(acc)
        return out

    def extract_output(self, acc: CommunicationProfile) -> CommunicationProfile:
        return acc


def build_profile(inputs: list[str], output: str, beam_args: Optional[list[str]] = None) -> dict:
    reader = ReadArchives(inputs)                  # plans the reads: a missing path fails here
    check_inputs(reader)
    check_output_file(output, inputs, example="profile.json")
    with quiet_workers(), beam.Pipeline(options=beam_options(beam_args or [])) as p:
        _ = (p
             | "ReadArchives" >> reader
             | "ParseMessages" >> ParseMessages()
             | "DropErrorRows" >> beam.Filter(lambda x: not is_error_row(x))
             | "Profile" >> beam.CombineGlobally(ProfileCombineFn())
             | "Write" >> beam.Map(lambda prof: prof.save(output)))
    prof = CommunicationProfile.load(output)
    return {"messages": prof.messages, "senders": len(prof.senders), "domains": len(prof.domains),
            "names": len(prof.name_addresses), "output": output}


def run(argv: Optional[list[str]] = None) -> dict:
    from detectors.registry import sedetect_home
    parser = argparse.ArgumentParser(prog="sedetect profile build", description=__doc__)
    parser.add_argument("inputs", nargs="+", metavar="ARCHIVE")
    parser.add_argument("-o", "--output", default=None,
                        help="profile JSON (default: $SEDETECT_HOME/profile.json, which `score` "
                             "then uses automatically)")
    args, beam_args = parser.parse_known_args(argv)
    out = args.output or str(sedetect_home() / "profile.json")
    stats = build_profile(args.inputs, out, beam_args)
    print(f"profile: {stats['messages']} messages, {stats['senders']} senders, "
          f"{stats['domains']} domains, {stats['names']} display names -> {out}")
    return stats
