"""Unit tests of the matrix's own logic (no broker, no client): the read-back verifier must fail on
every kind of wrong answer, and a Varve check is a regression exactly where Kafka passes it.

    /usr/bin/python3 -m unittest discover -s compat -p 'test_*.py'
"""
import os
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "clients"))
os.environ.setdefault("COMPAT_BOOTSTRAP", "127.0.0.1:1")
os.environ.setdefault("COMPAT_CLIENT", "test")
import common  # noqa: E402
import matrix  # noqa: E402


def produced_and_read():
    produced = common.records_for("gzip")[:4]
    read = []
    for i, p in enumerate(produced):
        partition = i % 2
        read.append({**p, "partition": partition, "offset": i // 2, "timestamp": 1000 + i})
    return produced, read


class VerifyLogTest(unittest.TestCase):

    def test_exact_read_back_passes_and_counts(self):
        produced, read = produced_and_read()
        self.assertEqual("4 records in 2 partitions", common.verify_log(produced, read, 3))

    def test_nothing_produced_fails(self):
        with self.assertRaisesRegex(common.CheckFailed, "nothing was produced"):
            common.verify_log([], [])

    def test_a_missing_record_fails(self):
        produced, read = produced_and_read()
        with self.assertRaisesRegex(common.CheckFailed, "read 3 records, produced 4"):
            common.verify_log(produced, read[:3])

    def test_a_duplicate_fails(self):
        produced, read = produced_and_read()
        with self.assertRaisesRegex(common.CheckFailed, "read twice"):
            common.verify_log(produced, read[:3] + [read[0]])

    def test_a_wrong_header_fails(self):
        produced, read = produced_and_read()
        read[1] = {**read[1], "headers": [("codec", "gzip")]}
        with self.assertRaisesRegex(common.CheckFailed, "headers"):
            common.verify_log(produced, read)

    def test_a_wrong_value_fails(self):
        produced, read = produced_and_read()
        read[2] = {**read[2], "value": "other"}
        with self.assertRaisesRegex(common.CheckFailed, "value"):
            common.verify_log(produced, read)

    def test_an_offset_gap_fails(self):
        produced, read = produced_and_read()
        read[3] = {**read[3], "offset": 5}
        with self.assertRaisesRegex(common.CheckFailed, "partition 1: offsets"):
            common.verify_log(produced, read)

    def test_a_delivery_report_that_disagrees_fails(self):
        produced, read = produced_and_read()
        produced[0] = {**produced[0], "partition": 0, "offset": 7}
        with self.assertRaisesRegex(common.CheckFailed, "delivered at 0/7"):
            common.verify_log(produced, read)

    def test_offset_for_time_is_the_earliest_with_that_timestamp(self):
        read = [{"partition": 0, "offset": o, "timestamp": ts} for o, ts in enumerate([5, 7, 9, 9, 9])]
        self.assertEqual((9, 2), common.expected_offset_for_time(read, 0))


class RegressionsTest(unittest.TestCase):

    @staticmethod
    def results(kafka, varve):
        def target(checks):
            return {"clients": {"c": {"checks": {k: {"status": v, "detail": v} for k, v in checks.items()}}}}
        return {"kafka": target(kafka), "varve": target(varve)}

    def test_a_check_failing_only_on_varve_is_a_regression(self):
        problems = matrix.regressions(self.results({"a": "PASS", "b": "PASS"}, {"a": "PASS", "b": "FAIL"}))
        self.assertEqual(["varve/c/b: FAIL"], problems)

    def test_a_check_not_reached_on_varve_is_a_regression(self):
        problems = matrix.regressions(self.results({"a": "PASS", "b": "PASS"}, {"a": "PASS"}))
        self.assertEqual(["varve/c/b: not reached"], problems)

    def test_not_applicable_everywhere_is_fine_and_a_kafka_failure_is_reported(self):
        self.assertEqual([], matrix.regressions(self.results({"a": "N/A"}, {"a": "N/A"})))
        self.assertEqual(1, len(matrix.regressions(self.results({"a": "FAIL"}, {"a": "FAIL"}))))

    def test_only_the_targets_run_now_count(self):
        results = self.results({"a": "PASS"}, {"a": "FAIL"})
        self.assertEqual([], matrix.regressions(results, ["kafka"]))
        self.assertEqual(["varve/c/a: FAIL"], matrix.regressions(results, ["varve"]))

    def test_a_crash_row_only_on_varve_is_a_regression(self):
        problems = matrix.regressions(self.results({"a": "PASS"}, {"a": "PASS", "scenario": "FAIL"}))
        self.assertEqual(["varve/c/scenario: FAIL"], problems)


if __name__ == "__main__":
    unittest.main()
