"""A real HTTP server on 127.0.0.1 that implements the documented endpoints of WeCom,
DingTalk, Aliyun SMS and Tencent Cloud SMS, and checks what SafeCampus sends: the secrets
behind the token, the access token on every call, Aliyun's RPC signature v1 and Tencent's
TC3-HMAC-SHA256 signature (verified here from the documentation, not with the product's
code), the DingTalk robot's signed timestamp, the template code and its parameters.

A test scripts the providers' answers with `server.script(name, *answers)`: each answer is
a JSON object returned once (e.g. `{"errcode": 45009, "errmsg": "api freq out of limit"}`),
or one of "timeout" (no answer within the client's timeout), "malformed" (not JSON) or
"http500". `server.calls` records every request in order.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

CORP_ID = "ww0123456789abcdef"
CORP_SECRET = "wecom-corp-secret-XYZ-0001"
AGENT_ID = "1000002"
CORP_USERS = {"ZhangSan", "LiSi"}
DING_APP_KEY = "dingappkey0001"
DING_APP_SECRET = "dingtalk-app-secret-XYZ-0002"
DING_AGENT_ID = "2000003"
DING_USERS = {"manager4521", "user0001"}
DING_ROBOT_TOKEN = "robottoken0003"
DING_ROBOT_SECRET = "SECrobotsecret-XYZ-0004"
WECOM_ROBOT_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
ALIYUN_KEY_ID = "LTAI5tAliyunKeyId"
ALIYUN_KEY_SECRET = "aliyun-access-key-secret-XYZ-0005"
TENCENT_SECRET_ID = "AKIDtencentSecretId0006"
TENCENT_SECRET_KEY = "tencent-secret-key-XYZ-0007"
TENCENT_APP_ID = "1400006666"
SIGN_NAME = "平安校园"
APPROVED_TEMPLATES = {"SMS_460001", "SMS_460000", "1234567"}
# Every secret: a test asserts none of them reaches a log line or the database.
SECRETS = (
    CORP_SECRET,
    DING_APP_SECRET,
    DING_ROBOT_SECRET,
    ALIYUN_KEY_SECRET,
    TENCENT_SECRET_KEY,
)


@dataclass
class Call:
    name: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str]


@dataclass
class State:
    calls: list[Call] = field(default_factory=list)
    answers: dict[str, list[Any]] = field(default_factory=dict)
    tokens: set[str] = field(default_factory=set)
    issued: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _aliyun_encode(text: str) -> str:
    return quote(text, safe="~")


def aliyun_expected_signature(method: str, params: dict[str, str]) -> str:
    """From Aliyun's "RPC signature v1" page: sort, percent-encode, StringToSign =
    METHOD + "&" + encode("/") + "&" + encode(query), HMAC-SHA1 with secret + "&"."""
    pairs = sorted((k, v) for k, v in params.items() if k != "Signature")
    query = "&".join(f"{_aliyun_encode(k)}={_aliyun_encode(v)}" for k, v in pairs)
    string_to_sign = f"{method}&%2F&{_aliyun_encode(query)}"
    key = f"{ALIYUN_KEY_SECRET}&".encode()
    return base64.b64encode(hmac.new(key, string_to_sign.encode(), hashlib.sha1).digest()).decode()


def tencent_expected_authorization(headers: dict[str, str], payload: bytes) -> str:
    """From Tencent Cloud's "Signature v3" page (TC3-HMAC-SHA256)."""
    timestamp = int(headers["x-tc-timestamp"])
    date = datetime.datetime.fromtimestamp(timestamp, datetime.UTC).strftime("%Y-%m-%d")
    canonical = (
        "POST\n/\n\n"
        f"content-type:{headers['content-type']}\nhost:{headers['host']}\n\n"
        "content-type;host\n" + hashlib.sha256(payload).hexdigest()
    )
    scope = f"{date}/sms/tc3_request"
    to_sign = (
        f"TC3-HMAC-SHA256\n{timestamp}\n{scope}\n" + hashlib.sha256(canonical.encode()).hexdigest()
    )

    def sign(key: bytes, msg: str) -> bytes:
        return hmac.new(key, msg.encode(), hashlib.sha256).digest()

    secret = sign(sign(sign(f"TC3{TENCENT_SECRET_KEY}".encode(), date), "sms"), "tc3_request")
    signature = hmac.new(secret, to_sign.encode(), hashlib.sha256).hexdigest()
    return (
        f"TC3-HMAC-SHA256 Credential={TENCENT_SECRET_ID}/{scope}, "
        f"SignedHeaders=content-type;host, Signature={signature}"
    )


class Handler(BaseHTTPRequestHandler):
    server: FakeProviders

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._handle("GET", b"")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self._handle("POST", self.rfile.read(length))

    def _handle(self, method: str, raw: bytes) -> None:
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query))
        headers = {k.lower(): v for k, v in self.headers.items()}
        name, body = self._route(method, parts.path, headers, raw)
        state = self.server.state
        with state.lock:
            state.calls.append(Call(name, query, body, headers))
            scripted = state.answers.get(name) or []
            answer = scripted.pop(0) if scripted else None
        if answer == "timeout":
            time.sleep(self.server.timeout_after)
            answer = None
        if answer == "malformed":
            return self._send(200, b"<html>502 Bad Gateway</html>", "text/html")
        if answer == "http500":
            return self._send(500, b"{}", "application/json")
        if answer is None:
            answer = getattr(self, f"_answer_{name}")(query, body, headers, raw)
        self._send(200, json.dumps(answer, ensure_ascii=False).encode(), "application/json")

    def _route(self, method: str, path: str, headers: dict[str, str], raw: bytes):
        if "x-tc-action" in headers:
            return "tencent_sms", json.loads(raw or b"{}")
        if path == "/" and method == "POST":
            return "aliyun_sms", dict(parse_qsl(raw.decode()))
        names = {
            "/cgi-bin/gettoken": "wecom_token",
            "/cgi-bin/message/send": "wecom_send",
            "/cgi-bin/webhook/send": "wecom_robot",
            "/gettoken": "dingtalk_token",
            "/topapi/message/corpconversation/asyncsend_v2": "dingtalk_send",
            "/robot/send": "dingtalk_robot",
        }
        body = json.loads(raw) if raw else None
        return names.get(path, "unknown"), body

    def _send(self, status: int, payload: bytes, content_type: str) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test)

    # --- the documented answers ---------------------------------------------------------

    def _issue_token(self, prefix: str) -> dict[str, Any]:
        state = self.server.state
        with state.lock:
            state.issued += 1
            token = f"{prefix}-token-{state.issued}"
            state.tokens.add(token)
        return {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200}

    def _answer_wecom_token(self, query, body, headers, raw):
        if query.get("corpid") != CORP_ID or query.get("corpsecret") != CORP_SECRET:
            return {"errcode": 40001, "errmsg": "invalid credential"}
        return self._issue_token("wecom")

    def _answer_wecom_send(self, query, body, headers, raw):
        if query.get("access_token") not in self.server.state.tokens:
            return {"errcode": 40014, "errmsg": "invalid access_token"}
        if str(body.get("agentid")) != AGENT_ID or body.get("msgtype") != "text":
            return {"errcode": 40056, "errmsg": "invalid agentid"}
        if body.get("touser") not in CORP_USERS:
            return {"errcode": 81013, "errmsg": "user & party & tag all invalid"}
        return {"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": "msg-1"}

    def _answer_wecom_robot(self, query, body, headers, raw):
        if query.get("key") != WECOM_ROBOT_KEY:
            return {"errcode": 93000, "errmsg": "invalid webhook url"}
        return {"errcode": 0, "errmsg": "ok"}

    def _answer_dingtalk_token(self, query, body, headers, raw):
        if query.get("appkey") != DING_APP_KEY or query.get("appsecret") != DING_APP_SECRET:
            return {"errcode": 40089, "errmsg": "不合法的corpid或corpsecret"}
        return self._issue_token("dingtalk")

    def _answer_dingtalk_send(self, query, body, headers, raw):
        if query.get("access_token") not in self.server.state.tokens:
            return {"errcode": 40014, "errmsg": "不合法的access_token"}
        if str(body.get("agent_id")) != DING_AGENT_ID:
            return {"errcode": 400002, "errmsg": "agent_id invalid"}
        if body.get("userid_list") not in DING_USERS:
            return {"errcode": 33012, "errmsg": "无效的USERID"}
        return {"errcode": 0, "task_id": 256271667526, "request_id": "4jzllmte0wau"}

    def _answer_dingtalk_robot(self, query, body, headers, raw):
        if query.get("access_token") != DING_ROBOT_TOKEN:
            return {"errcode": 300001, "errmsg": "token is not exist"}
        timestamp = query.get("timestamp", "0")
        if abs(int(timestamp) - time.time() * 1000) > 3600 * 1000:
            return {"errcode": 310000, "errmsg": "timestamp is too old"}
        message = f"{timestamp}\n{DING_ROBOT_SECRET}".encode()
        expected = base64.b64encode(
            hmac.new(DING_ROBOT_SECRET.encode(), message, hashlib.sha256).digest()
        ).decode()
        if query.get("sign") != expected:
            return {"errcode": 310000, "errmsg": "sign not match"}
        return {"errcode": 0, "errmsg": "ok"}

    def _answer_aliyun_sms(self, query, body, headers, raw):
        if body.get("AccessKeyId") != ALIYUN_KEY_ID:
            return {"Code": "InvalidAccessKeyId.NotFound", "Message": "Specified access key"}
        if body.get("Signature") != aliyun_expected_signature("POST", body):
            return {"Code": "SignatureDoesNotMatch", "Message": "Specified signature is not"}
        if body.get("Action") != "SendSms" or body.get("Version") != "2017-05-25":
            return {"Code": "InvalidAction.NotFound", "Message": "Specified api is not found"}
        if body.get("SignName") != SIGN_NAME:
            return {"Code": "isv.SMS_SIGNATURE_ILLEGAL", "Message": "签名不合法"}
        if body.get("TemplateCode") not in APPROVED_TEMPLATES:
            return {"Code": "isv.SMS_TEMPLATE_ILLEGAL", "Message": "模板不合法"}
        json.loads(body.get("TemplateParam") or "{}")
        return {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0", "RequestId": "1"}

    def _answer_tencent_sms(self, query, body, headers, raw):
        if headers.get("authorization") != tencent_expected_authorization(headers, raw):
            error = {"Code": "AuthFailure.SignatureFailure", "Message": "签名验证失败"}
            return {"Response": {"Error": error, "RequestId": "r1"}}
        if body.get("SmsSdkAppId") != TENCENT_APP_ID or body.get("SignName") != SIGN_NAME:
            error = {"Code": "FailedOperation.SignatureIncorrectOrUnapproved", "Message": ""}
            return {"Response": {"Error": error, "RequestId": "r2"}}
        code = (
            "Ok"
            if body.get("TemplateId") in APPROVED_TEMPLATES
            else ("FailedOperation.TemplateIncorrectOrUnapproved")
        )
        status = {"SerialNo": "2028:1", "PhoneNumber": body["PhoneNumberSet"][0], "Code": code}
        return {"Response": {"SendStatusSet": [status], "RequestId": "r3"}}


class FakeProviders(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.state = State()
        self.timeout_after = 2.0
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    @property
    def calls(self) -> list[Call]:
        return list(self.state.calls)

    def calls_to(self, name: str) -> list[Call]:
        return [call for call in self.calls if call.name == name]

    def script(self, name: str, *answers: Any) -> None:
        with self.state.lock:
            self.state.answers.setdefault(name, []).extend(answers)

    def expire_tokens(self) -> None:
        with self.state.lock:
            self.state.tokens.clear()

    def start(self) -> FakeProviders:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
