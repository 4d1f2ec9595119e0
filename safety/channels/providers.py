"""The providers' documented HTTP APIs, one small client each (docs/decisions.md: the HTTP
APIs with `requests`, not the vendors' SDKs).

- WeCom (企业微信): `GET /cgi-bin/gettoken` (corpid, corpsecret) → access_token cached until
  shortly before `expires_in`; `POST /cgi-bin/message/send` (an application text message to a
  user id); a group robot: `POST /cgi-bin/webhook/send?key=…`.
- DingTalk (钉钉): `GET /gettoken` (appkey, appsecret); a work notification:
  `POST /topapi/message/corpconversation/asyncsend_v2`; a group robot: `POST /robot/send` with
  `access_token`, and `timestamp` + `sign` = Base64(HMAC-SHA256(secret, "timestamp\\nsecret")).
- Aliyun SMS (dysmsapi 2017-05-25 `SendSms`): RPC signature version 1.0 (HMAC-SHA1 over the
  percent-encoded sorted query, key = AccessKeySecret + "&").
- Tencent Cloud SMS (2021-01-11 `SendSms`): TC3-HMAC-SHA256 request signing.

Every client raises `ChannelError(code, detail, retryable)`: `code` is the provider's error
code (or "timeout", "network", "malformed"), `retryable` says whether a later attempt may
succeed (rate limits, timeouts, a busy system). Secrets travel only in requests; they are never
put into an error, a log line or the database (a request exception's text would contain the
URL, so only its class name is kept).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import time
import uuid
from typing import Any
from urllib.parse import quote, urlsplit

import requests
from django.conf import settings
from django.core.cache import cache


class ChannelError(Exception):
    """A provider refused or could not be reached. `code` is the provider's error code."""

    def __init__(self, code: str, detail: str = "", *, retryable: bool = False) -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = str(code)[:64]
        self.detail = str(detail)[:200]
        self.retryable = retryable


# The providers' documented codes worth a later attempt (rate limits, a busy system).
WECOM_RETRYABLE = frozenset({"-1", "45009", "45033", "45047"})
WECOM_TOKEN_EXPIRED = frozenset({"40014", "42001"})
DINGTALK_RETRYABLE = frozenset({"-1", "88", "90002", "90018", "130101"})
DINGTALK_TOKEN_EXPIRED = frozenset({"40014", "42001"})
ALIYUN_RETRYABLE = frozenset(
    {"isv.BUSINESS_LIMIT_CONTROL", "Throttling", "Throttling.User", "isp.SYSTEM_ERROR"}
)
TENCENT_RETRYABLE = frozenset(
    {
        "RequestLimitExceeded",
        "LimitExceeded.PhoneNumberThirtySecondLimit",
        "LimitExceeded.PhoneNumberOneHourLimit",
        "InternalError.Timeout",
        "InternalError.RequestTimeException",
        "InternalError",
    }
)


def _request(method: str, url: str, **kwargs: Any) -> dict[str, Any]:
    """One HTTP call; the answer's JSON object. Raises ChannelError: "timeout" or "network"
    (retryable), "http_<status>" for a 5xx or 429 (retryable), "malformed" for an answer that
    is not a JSON object."""
    try:
        response = requests.request(method, url, timeout=settings.CHANNEL_TIMEOUT, **kwargs)
    except requests.Timeout as error:
        raise ChannelError("timeout", type(error).__name__, retryable=True) from None
    except requests.RequestException as error:
        raise ChannelError("network", type(error).__name__, retryable=True) from None
    if response.status_code >= 500 or response.status_code == 429:
        raise ChannelError(f"http_{response.status_code}", retryable=True)
    try:
        body = response.json()
    except ValueError:
        raise ChannelError("malformed", f"HTTP {response.status_code}, not JSON") from None
    if not isinstance(body, dict):
        raise ChannelError("malformed", f"HTTP {response.status_code}, not a JSON object")
    return body


def _errcode(body: dict[str, Any]) -> str:
    """WeCom's and DingTalk's `errcode` as a text ("malformed" when it is missing)."""
    code = body.get("errcode")
    if not isinstance(code, int) or isinstance(code, bool):
        raise ChannelError("malformed", "no errcode in the answer")
    return str(code)


def _check(body: dict[str, Any], retryable: frozenset[str]) -> None:
    code = _errcode(body)
    if code != "0":
        raise ChannelError(code, str(body.get("errmsg", "")), retryable=code in retryable)


class _TokenClient:
    """An application of WeCom or DingTalk: an access token fetched with the application's
    secret, cached (Django's cache: Redis in production) until 5 minutes before it expires,
    and fetched again once when the provider says the token is invalid or expired."""

    base_url = ""
    token_path = ""
    expired: frozenset[str] = frozenset()
    retryable: frozenset[str] = frozenset()

    def token_params(self) -> dict[str, str]:
        raise NotImplementedError

    def cache_key(self) -> str:
        raise NotImplementedError

    def token(self, *, refresh: bool = False) -> str:
        key = self.cache_key()
        if not refresh:
            cached = cache.get(key)
            if cached:
                return cached
        body = _request("GET", f"{self.base_url}{self.token_path}", params=self.token_params())
        _check(body, self.retryable)
        token = body.get("access_token")
        if not isinstance(token, str) or not token:
            raise ChannelError("malformed", "no access_token in the answer")
        expires_in = body.get("expires_in", 7200)
        lifetime = expires_in if isinstance(expires_in, int) else 7200
        cache.set(key, token, max(60, lifetime - 300))
        return token

    def post_with_token(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        """POST `payload` with the cached token; on an invalid or expired token, once more
        with a fresh one. Returns the answer (errcode 0); raises ChannelError otherwise."""
        for attempt in (0, 1):
            token = self.token(refresh=attempt == 1)
            body = _request(
                "POST", f"{self.base_url}{path}", params={"access_token": token}, json=payload
            )
            code = _errcode(body)
            if code in self.expired and attempt == 0:
                continue
            _check(body, self.retryable)
            return body
        raise AssertionError("unreachable")  # pragma: no cover


class WeCom(_TokenClient):
    """A WeCom self-built application (自建应用): WECOM_CORP_ID, WECOM_AGENT_ID, WECOM_SECRET."""

    token_path = "/cgi-bin/gettoken"  # noqa: S105 (a path, not a secret)
    expired = WECOM_TOKEN_EXPIRED
    retryable = WECOM_RETRYABLE

    def __init__(self) -> None:
        self.base_url = settings.WECOM_BASE_URL.rstrip("/")
        self.corp_id = settings.WECOM_CORP_ID
        self.agent_id = settings.WECOM_AGENT_ID
        self.secret = settings.WECOM_SECRET

    @classmethod
    def configured(cls) -> bool:
        return bool(settings.WECOM_CORP_ID and settings.WECOM_AGENT_ID and settings.WECOM_SECRET)

    def token_params(self) -> dict[str, str]:
        return {"corpid": self.corp_id, "corpsecret": self.secret}

    def cache_key(self) -> str:
        return f"channels:wecom:token:{self.corp_id}:{self.agent_id}"

    def send_text(self, user_id: str, text: str) -> str:
        """An application text message to one member. Returns the provider's msgid. A user
        id WeCom does not know (not in the corp, or outside the app's visible range) is
        refused: "invaliduser" (or errcode 81013 when every recipient was invalid)."""
        body = self.post_with_token(
            "/cgi-bin/message/send",
            {
                "touser": user_id,
                "msgtype": "text",
                "agentid": int(self.agent_id) if str(self.agent_id).isdigit() else self.agent_id,
                "text": {"content": text},
                "safe": 0,
            },
        )
        invalid = str(body.get("invaliduser") or "")
        if user_id in invalid.split("|"):
            raise ChannelError("invaliduser", "the user id is not in the corp or the app's range")
        return str(body.get("msgid", ""))


class DingTalk(_TokenClient):
    """A DingTalk internal application (企业内部应用): DINGTALK_APP_KEY, DINGTALK_APP_SECRET,
    DINGTALK_AGENT_ID."""

    token_path = "/gettoken"  # noqa: S105 (a path, not a secret)
    expired = DINGTALK_TOKEN_EXPIRED
    retryable = DINGTALK_RETRYABLE

    def __init__(self) -> None:
        self.base_url = settings.DINGTALK_BASE_URL.rstrip("/")
        self.app_key = settings.DINGTALK_APP_KEY
        self.app_secret = settings.DINGTALK_APP_SECRET
        self.agent_id = settings.DINGTALK_AGENT_ID

    @classmethod
    def configured(cls) -> bool:
        return bool(
            settings.DINGTALK_APP_KEY
            and settings.DINGTALK_APP_SECRET
            and settings.DINGTALK_AGENT_ID
        )

    def token_params(self) -> dict[str, str]:
        return {"appkey": self.app_key, "appsecret": self.app_secret}

    def cache_key(self) -> str:
        return f"channels:dingtalk:token:{self.app_key}"

    def send_text(self, user_id: str, text: str) -> str:
        """A work notification (工作通知) to one user id. Returns the task_id."""
        body = self.post_with_token(
            "/topapi/message/corpconversation/asyncsend_v2",
            {
                "agent_id": int(self.agent_id) if str(self.agent_id).isdigit() else self.agent_id,
                "userid_list": user_id,
                "msg": {"msgtype": "text", "text": {"content": text}},
            },
        )
        return str(body.get("task_id", ""))


def wecom_robot_send(key: str, text: str, mobiles: list[str] | None = None) -> None:
    """Post `text` to a WeCom group robot (群机器人) by its webhook key, @-mentioning
    `mobiles`. Raises ChannelError."""
    content: dict[str, Any] = {"content": text}
    if mobiles:
        content["mentioned_mobile_list"] = mobiles
    body = _request(
        "POST",
        f"{settings.WECOM_BASE_URL.rstrip('/')}/cgi-bin/webhook/send",
        params={"key": key},
        json={"msgtype": "text", "text": content},
    )
    _check(body, WECOM_RETRYABLE)


def dingtalk_robot_sign(secret: str, timestamp_ms: int) -> str:
    """The DingTalk robot's signature (加签): Base64(HMAC-SHA256(key=secret,
    msg=f"{timestamp}\\n{secret}")); the caller URL-encodes it as the `sign` parameter."""
    message = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def dingtalk_robot_send(
    token: str, secret: str, text: str, mobiles: list[str] | None = None
) -> None:
    """Post `text` to a DingTalk group robot with the signed timestamp. Raises ChannelError."""
    timestamp = int(time.time() * 1000)
    params = {"access_token": token}
    if secret:
        params.update(timestamp=str(timestamp), sign=dingtalk_robot_sign(secret, timestamp))
    body = _request(
        "POST",
        f"{settings.DINGTALK_BASE_URL.rstrip('/')}/robot/send",
        params=params,
        json={
            "msgtype": "text",
            "text": {"content": text},
            "at": {"atMobiles": mobiles or [], "isAtAll": False},
        },
    )
    _check(body, DINGTALK_RETRYABLE)


# --- template SMS -------------------------------------------------------------------------


def aliyun_percent(text: str) -> str:
    """Aliyun's POP percent-encoding: RFC 3986 (space → %20, * → %2A, ~ kept)."""
    return quote(text, safe="~")


def aliyun_signature(method: str, params: dict[str, str], secret: str) -> str:
    """RPC signature v1.0: Base64(HMAC-SHA1(secret + "&", METHOD&%2F&encode(sorted query)))."""
    query = "&".join(f"{aliyun_percent(k)}={aliyun_percent(v)}" for k, v in sorted(params.items()))
    string_to_sign = f"{method}&{aliyun_percent('/')}&{aliyun_percent(query)}"
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class AliyunSms:
    """Aliyun SMS (阿里云短信服务, dysmsapi `SendSms`): ALIYUN_SMS_ACCESS_KEY_ID,
    ALIYUN_SMS_ACCESS_KEY_SECRET; named template parameters (`TemplateParam` JSON)."""

    @classmethod
    def configured(cls) -> bool:
        return bool(settings.ALIYUN_SMS_ACCESS_KEY_ID and settings.ALIYUN_SMS_ACCESS_KEY_SECRET)

    def send_template(
        self, phone: str, sign_name: str, template_code: str, params: dict[str, str]
    ) -> str:
        """Send one templated SMS; the BizId. Raises ChannelError with Aliyun's Code."""
        query = {
            "AccessKeyId": settings.ALIYUN_SMS_ACCESS_KEY_ID,
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": phone,
            "RegionId": settings.ALIYUN_SMS_REGION,
            "SignName": sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": template_code,
            "TemplateParam": json.dumps(params, ensure_ascii=False),
            "Timestamp": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
        }
        query["Signature"] = aliyun_signature("POST", query, settings.ALIYUN_SMS_ACCESS_KEY_SECRET)
        body = _request("POST", f"{settings.ALIYUN_SMS_BASE_URL.rstrip('/')}/", data=query)
        code = body.get("Code")
        if not isinstance(code, str):
            raise ChannelError("malformed", "no Code in the answer")
        if code != "OK":
            raise ChannelError(
                code, str(body.get("Message", "")), retryable=code in ALIYUN_RETRYABLE
            )
        return str(body.get("BizId", ""))


def _sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac256(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def tencent_authorization(
    *,
    secret_id: str,
    secret_key: str,
    host: str,
    payload: bytes,
    timestamp: int,
    service: str = "sms",
    content_type: str = "application/json; charset=utf-8",
) -> str:
    """The TC3-HMAC-SHA256 `Authorization` header of a POST to `host` with `payload`."""
    date = datetime.datetime.fromtimestamp(timestamp, datetime.UTC).strftime("%Y-%m-%d")
    canonical_request = "\n".join(
        [
            "POST",
            "/",
            "",
            f"content-type:{content_type}\nhost:{host}\n",
            "content-type;host",
            _sha256_hex(payload),
        ]
    )
    scope = f"{date}/{service}/tc3_request"
    string_to_sign = "\n".join(
        ["TC3-HMAC-SHA256", str(timestamp), scope, _sha256_hex(canonical_request.encode())]
    )
    key = _hmac256(f"TC3{secret_key}".encode(), date)
    key = _hmac256(key, service)
    key = _hmac256(key, "tc3_request")
    signature = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    return (
        f"TC3-HMAC-SHA256 Credential={secret_id}/{scope}, "
        f"SignedHeaders=content-type;host, Signature={signature}"
    )


class TencentSms:
    """Tencent Cloud SMS (腾讯云短信, `SendSms` 2021-01-11): TENCENT_SMS_SECRET_ID,
    TENCENT_SMS_SECRET_KEY, TENCENT_SMS_SDK_APP_ID. Tencent's templates take positional
    parameters ({1}, {2} …): the named parameters are sent in the configured order."""

    @classmethod
    def configured(cls) -> bool:
        return bool(
            settings.TENCENT_SMS_SECRET_ID
            and settings.TENCENT_SMS_SECRET_KEY
            and settings.TENCENT_SMS_SDK_APP_ID
        )

    def send_template(
        self, phone: str, sign_name: str, template_code: str, params: dict[str, str]
    ) -> str:
        """Send one templated SMS; the SerialNo. Raises ChannelError with Tencent's Code."""
        url = f"{settings.TENCENT_SMS_BASE_URL.rstrip('/')}/"
        payload = json.dumps(
            {
                "PhoneNumberSet": [f"+86{phone}"],
                "SmsSdkAppId": settings.TENCENT_SMS_SDK_APP_ID,
                "SignName": sign_name,
                "TemplateId": template_code,
                "TemplateParamSet": list(params.values()),
            },
            ensure_ascii=False,
        ).encode()
        timestamp = int(time.time())
        host = urlsplit(url).netloc
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Host": host,
            "X-TC-Action": "SendSms",
            "X-TC-Version": "2021-01-11",
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Region": settings.TENCENT_SMS_REGION,
            "Authorization": tencent_authorization(
                secret_id=settings.TENCENT_SMS_SECRET_ID,
                secret_key=settings.TENCENT_SMS_SECRET_KEY,
                host=host,
                payload=payload,
                timestamp=timestamp,
            ),
        }
        body = _request("POST", url, data=payload, headers=headers)
        return _tencent_result(body)


def _tencent_result(body: dict[str, Any]) -> str:
    response = body.get("Response")
    if not isinstance(response, dict):
        raise ChannelError("malformed", "no Response in the answer")
    error = response.get("Error")
    if isinstance(error, dict):
        code = str(error.get("Code", "malformed"))
        raise ChannelError(code, str(error.get("Message", "")), retryable=code in TENCENT_RETRYABLE)
    statuses = response.get("SendStatusSet")
    if not isinstance(statuses, list) or not statuses or not isinstance(statuses[0], dict):
        raise ChannelError("malformed", "no SendStatusSet in the answer")
    status = statuses[0]
    code = str(status.get("Code", ""))
    if code != "Ok":
        raise ChannelError(
            code or "malformed", str(status.get("Message", "")), retryable=code in TENCENT_RETRYABLE
        )
    return str(status.get("SerialNo", ""))


SMS_PROVIDERS = {"aliyun": AliyunSms, "tencent": TencentSms}
