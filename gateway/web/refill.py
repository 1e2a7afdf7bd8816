"""A refused form shown again as it was sent: its values kept, each refused field marked on the
field itself (``aria-invalid``, ``aria-describedby`` to its message) and named in the summary by
its own label rather than its API code.

The pages' forms post their fields under the API's names and the gateway redirects after a
refusal (``base.refused``), so the refusal carries the form's action and values; the page shown
next is rewritten here, once, for the one form whose action it was. Every form of every page is
covered without each template repeating the logic."""

from __future__ import annotations

import re
from typing import Any

from markupsafe import escape

from gateway.web.client import IDEMPOTENCY_FIELD, IF_MATCH_FIELD
from gateway.web.session import CSRF_FIELD

NOT_KEPT = {CSRF_FIELD, IDEMPOTENCY_FIELD, IF_MATCH_FIELD}
_FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S)
_ACTION = re.compile(r'\baction="([^"]*)"')
_CONTROL = re.compile(r"<(input|select|textarea)\b([^>]*)>", re.S)
_NAME = re.compile(r'\bname="([^"]*)"')
_TYPE = re.compile(r'\btype="([^"]*)"')
_VALUE = re.compile(r'\s+value="[^"]*"')
_OPTION = re.compile(r'<option\b[^>]*\bvalue="([^"]+)"[^>]*>\s*([^<]+?)\s*</option>', re.S)
_SELECT = re.compile(r'<select\b[^>]*\bname="([^"]*)"[^>]*>(.*?)</select>', re.S)
_CODE = re.compile(r"[A-Za-z][A-Za-z0-9_.]*")
_LABEL = re.compile(r"<label\b[^>]*>\s*([^<]+?)\s*<(?:input|select|textarea)\b[^>]*\bname=\"([^\"]*)\"",
                    re.S)


def kept_form(form: Any, action: str) -> dict[str, Any]:
    """What a refused submission carries to the next page: where it was sent and its values."""
    values = {name: form.getlist(name) for name in form if name not in NOT_KEPT}
    return {"action": action, "values": values}


def field_id(name: str) -> str:
    return "error-" + re.sub(r"[^0-9A-Za-z_-]", "-", name)


def _attributes(attrs: str, extra: str) -> str:
    return attrs[:-1].rstrip() + extra + " /" if attrs.rstrip().endswith("/") else attrs + extra


def _control(match: re.Match[str], values: dict[str, list[str]], errors: dict[str, str],
             tail: str) -> tuple[str, str]:
    """One control of the refused form, with its value and error; and what follows it (a
    textarea's text or a select's options, both up to their closing tag)."""
    tag, attrs = match.group(1), match.group(2)
    name_match = _NAME.search(attrs)
    name = name_match.group(1) if name_match else ""
    kind = (_TYPE.search(attrs).group(1) if _TYPE.search(attrs) else "text").lower()
    if not name or kind in ("hidden", "submit", "button", "file", "password"):
        return match.group(0), tail
    extra = ""
    if name in errors:
        extra = f' aria-invalid="true" aria-describedby="{field_id(name)}"'
    sent = values.get(name)
    if tag == "input" and sent is not None:
        if kind in ("checkbox", "radio"):
            value = re.search(r'\bvalue="([^"]*)"', attrs)
            attrs = re.sub(r"\s+checked(=\"[^\"]*\")?", "", attrs)
            if (value.group(1) if value else "on") in sent:
                extra += " checked"
        else:
            attrs = _VALUE.sub("", attrs)
            extra += f' value="{escape(sent[0])}"'
    opened = f"<{tag}{_attributes(attrs, extra)}>"
    message = (f'<span class="field-error" id="{field_id(name)}">{escape(errors[name])}</span>'
               if name in errors else "")
    if tag == "input":
        return opened + message, tail
    closing = f"</{tag}>"
    inner, _, rest = tail.partition(closing)
    if tag == "textarea" and sent is not None:
        inner = str(escape(sent[0]))
    elif tag == "select" and sent is not None:
        inner = re.sub(r"\s+selected(=\"[^\"]*\")?", "", inner)
        for value in sent:
            inner = inner.replace(f'value="{escape(value)}"', f'value="{escape(value)}" selected', 1)
    return opened + inner + closing + message, rest


def _refill_form(html: str, values: dict[str, list[str]], errors: dict[str, str]) -> str:
    out, position = [], 0
    while (match := _CONTROL.search(html, position)) is not None:
        out.append(html[position:match.start()])
        piece, rest = _control(match, values, errors, html[match.end():])
        out.append(piece)
        html, position = rest, 0
    out.append(html[position:])
    return "".join(out)


def labels_of(form_html: str) -> dict[str, str]:
    """Each field's own label (``金额（万元）`` for ``amount``): how the summary names it."""
    return {name: text.strip() for text, name in _LABEL.findall(form_html)}


def choices_of(form_html: str) -> dict[str, dict[str, str]]:
    """Each select's options (value → text): how a message names the values it allows."""
    return {name: {value: text.strip() for value, text in _OPTION.findall(options)}
            for name, options in _SELECT.findall(form_html)}


def named_choices(message: str, choices: dict[str, str]) -> str:
    """``应为以下取值之一：approved, rejected`` as ``应为以下取值之一：批准、驳回``: the API's codes
    of a select's values replaced by the options' texts the person chose from."""
    if not choices:
        return message
    unnamed: list[str] = []

    def name(code: re.Match[str]) -> str:
        if code.group(0) not in choices:
            unnamed.append(code.group(0))
        return choices.get(code.group(0), code.group(0))

    named = _CODE.sub(name, message)
    if unnamed:  # values the form does not offer now (a stage date not yet reached)
        return "请从列表中选择一项"
    return named.replace(", ", "、")


def refill(html: str, problem: dict[str, Any]) -> str:
    """The page with the refused form (``problem['form']``) as sent, its fields marked."""
    kept = problem.get("form") or {}
    action = kept.get("action")
    if not action:
        return html
    errors = {error.get("field"): error.get("message", "") for error in problem.get("errors") or []
              if error.get("field")}
    labels: dict[str, str] = {}
    sent_messages = dict(errors)

    def one(match: re.Match[str]) -> str:
        form = match.group(0)
        found = _ACTION.search(form[:form.index(">") + 1])
        if not found or found.group(1).split("#")[0].split("?")[0] != action:
            return form
        labels.update(labels_of(form))
        for name, choices in choices_of(form).items():
            if name in errors:
                errors[name] = named_choices(errors[name], choices)
        return _refill_form(form, kept.get("values") or {}, errors)

    html = _FORM.sub(one, html)
    for name, message in sent_messages.items():
        if errors[name] != message:  # the summary's message too, with the options' texts
            html = html.replace(f'<span class="field">{escape(name)}</span>：{escape(message)}',
                                f'<span class="field">{escape(name)}</span>：{escape(errors[name])}')
    for name, label in labels.items():
        # The summary names the field as its form does, not by its API code.
        html = html.replace(f'<span class="field">{escape(name)}</span>',
                            f'<span class="field">{escape(label)}</span>')
    return html
