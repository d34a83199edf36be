# moto_server with fixes for s3proc's local stack and tests (moto 5.2.1):
# 1. StartExecution deep-copies the state machine, and with it the executions it has already run,
#    which hold locks that cannot be copied: every execution after a state machine's first failed
#    with HTTP 500 ("cannot pickle '_thread.RLock' object"). The copy now leaves the executions out
#    (the new execution never reads them).
# 2. SendTaskFailure dropped the cause: a Catch saw {"Error": ..., "Cause": null}. It is passed on.
# 3. GetBucketNotificationConfiguration left out EventBridgeConfiguration, though delivery to
#    EventBridge was on: `rules plan` saw it off after every apply. It is put back in the answer.
# 4. DynamoDB writes were not atomic: two UpdateItems arriving at once for an item that did not
#    exist yet each created it, and the last one replaced the other's (measured: three subscribers
#    answering a compliance tally at once left one answer). DynamoDB serializes the writes to an
#    item; here every write takes one lock (moto keeps its tables in memory: the lock costs nothing
#    a test or the local stack would notice).
# 5. Python's cyclic garbage collector walked moto's whole in-memory state (every object, item and
#    message the pipeline made) ever more often as it grew: collections are made rarer, and what
#    the server holds once started is left out of them.
# 6. Every request looked for its service among moto's modules by listing moto's package directory
#    (~180 entries, a stat each), under the lock every request takes: a fifth to a half of moto's
#    time under load, sampled. The list is read once; the directory does not change while it runs.
# 7. Every request was logged, a formatted, coloured line per request (6-12 % of moto's CPU for a
#    file's requests, measured): the log keeps the requests that failed (4xx, 5xx) and moto's own
#    errors, which are what its log is read for.
# Everything else is moto as installed.
import copy
import gc
import functools
import sys
import threading

from moto.core.responses import EmptyResult
from moto.s3.responses import S3Response
from moto.stepfunctions.models import StateMachine
from moto.stepfunctions.responses import StepFunctionResponse


def _deepcopy_without_executions(self, memo):
    executions = self.executions
    self.executions = []
    try:
        clone = self.__class__.__new__(self.__class__)
        memo[id(self)] = clone
        for name, value in self.__dict__.items():
            setattr(clone, name, copy.deepcopy(value, memo))
        return clone
    finally:
        self.executions = executions


StateMachine.__deepcopy__ = _deepcopy_without_executions


def _send_task_failure(self):
    self.stepfunction_backend.send_task_failure(
        self._get_param("taskToken"),
        error=self._get_param("error"),
        cause=self._get_param("cause"),
    )
    return EmptyResult()


StepFunctionResponse.send_task_failure = _send_task_failure


_get_bucket_notification = S3Response.get_bucket_notification


def _get_bucket_notification_with_event_bridge(self):
    status, headers, body = _get_bucket_notification(self)
    config = self.backend.get_bucket_notification_configuration(self.bucket_name)
    if config is not None and config.event_bridge is not None:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
        if "<EventBridgeConfiguration" not in text:
            if text.rstrip().endswith("/>"):  # an empty configuration, written as one tag
                text = text.rstrip()[:-2] + ">" + "</NotificationConfiguration>"
            text = text.replace(
                "</NotificationConfiguration>",
                "<EventBridgeConfiguration></EventBridgeConfiguration></NotificationConfiguration>",
            )
        body = text.encode("utf-8") if isinstance(body, bytes) else text
        headers.pop("Content-Length", None)
    return status, headers, body


S3Response.get_bucket_notification = _get_bucket_notification_with_event_bridge

from moto.dynamodb.models import DynamoDBBackend  # noqa: E402

_dynamodb_writes = threading.RLock()


def _serialized(write):
    @functools.wraps(write)
    def locked(*args, **kwargs):
        with _dynamodb_writes:
            return write(*args, **kwargs)

    return locked


for _name in ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item"):
    if hasattr(DynamoDBBackend, _name):
        setattr(DynamoDBBackend, _name, _serialized(getattr(DynamoDBBackend, _name)))

from moto import backends  # noqa: E402

_moto_modules = tuple(backends.list_of_moto_modules())
backends.list_of_moto_modules = lambda: _moto_modules

from werkzeug.serving import WSGIRequestHandler  # noqa: E402

_log_request = WSGIRequestHandler.log_request


def _log_failed_request(self, code="-", size="-"):
    if str(code)[:1] not in ("1", "2", "3"):
        _log_request(self, code, size)


WSGIRequestHandler.log_request = _log_failed_request

from moto.server import main  # noqa: E402

gc.freeze()
gc.set_threshold(50_000, 50, 100)

sys.exit(main())
