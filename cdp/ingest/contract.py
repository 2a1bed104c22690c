"""The channel-export contract: which files we accept and which columns they carry.

This module is the single source of truth for the contract documented in docs/contract.md.
The loader checks incoming files against it, the sample generator writes files that
follow it, and the raw tables in the warehouse are created from it. Column names are
exact (lower case); extra columns in a file are kept, optional columns may be absent
or empty, required columns must be present and non-empty on every row.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_LANDING_DIR = "data/landing"
DEFAULT_WAREHOUSE = "data/warehouse.duckdb"
FILE_SUFFIXES = (".csv", ".csv.gz", ".parquet", ".jsonl")
RAW_SCHEMA = "raw"


@dataclass(frozen=True)
class Entity:
    """One exported entity of one channel, e.g. ``crm/contacts``."""

    channel: str
    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    description: str

    @property
    def key(self) -> str:
        return f"{self.channel}/{self.name}"

    @property
    def raw_table(self) -> str:
        """Name of the raw table (in schema ``raw``) that holds every loaded batch."""
        return f"{self.channel}__{self.name}"

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


_ADDRESS = ("street", "street2", "city", "postcode", "region", "country")
_LINE = ("line_number", "sku", "product_name", "category", "brand", "quantity", "unit_price", "line_amount")

ENTITIES: tuple[Entity, ...] = (
    Entity(
        "crm", "contacts", ("contact_id",),
        ("first_name", "last_name", "email", "phone", "birth_date", "gender", *_ADDRESS, "updated_at"),
        "Contacts kept by sales/service staff in the CRM; one row per contact version.",
    ),
    Entity(
        "loyalty", "members", ("member_id",),
        ("card_id", "first_name", "last_name", "email", "phone", "birth_date", *_ADDRESS, "tier", "enrolled_at"),
        "Loyalty-programme members and the plastic/app card they carry.",
    ),
    Entity(
        "loyalty", "point_transactions", ("transaction_id",),
        ("member_id", "card_id", "points", "transaction_type", "receipt_id", "occurred_at"),
        "Points earned, redeemed, expired or adjusted; transaction_type in earn/redeem/expire/adjust.",
    ),
    Entity(
        "webshop", "accounts", ("account_id",),
        ("email", "first_name", "last_name", "phone", "birth_date", *_ADDRESS, "created_at", "last_login_at"),
        "Registered web-shop accounts.",
    ),
    Entity(
        "webshop", "orders", ("order_id",),
        ("account_id", "email", "phone", "first_name", "last_name", "ordered_at", "status", "currency",
         "total_amount", "shipping_street", "shipping_street2", "shipping_city", "shipping_postcode",
         "shipping_region", "shipping_country"),
        "Web-shop orders; account_id is empty for guest checkouts. status in placed/paid/shipped/cancelled/returned.",
    ),
    Entity(
        "webshop", "order_lines", ("order_id", "line_number"),
        _LINE[1:],
        "One row per product line of a web-shop order.",
    ),
    Entity(
        "pos", "receipts", ("receipt_id",),
        ("store_id", "purchased_at", "card_id", "phone", "total_amount", "currency", "payment_method"),
        "Store till receipts; the cashier scans a loyalty card_id or types the customer's phone, or neither.",
    ),
    Entity(
        "pos", "receipt_lines", ("receipt_id", "line_number"),
        _LINE[1:],
        "One row per product line of a store receipt.",
    ),
    Entity(
        "web", "events", ("event_id", "anonymous_id"),
        ("account_id", "event_type", "occurred_at", "page_url", "sku", "form_email", "form_name", "form_message"),
        "Browser events keyed by an anonymous browser id, plus account_id when logged in. "
        "event_type in page_view/add_to_cart/feedback_form/login.",
    ),
    Entity(
        "email", "messages", ("message_id",),
        ("campaign_id", "campaign_name", "email", "subject", "sent_at"),
        "One row per campaign e-mail sent to one address.",
    ),
    Entity(
        "email", "events", ("event_id", "message_id"),
        ("event_type", "occurred_at", "url"),
        "Delivery and engagement events of sent e-mails: delivered/opened/clicked/bounced/unsubscribed.",
    ),
    Entity(
        "sms", "messages", ("message_id",),
        ("campaign_id", "campaign_name", "phone", "sent_at"),
        "One row per campaign SMS sent to one phone number.",
    ),
    Entity(
        "sms", "events", ("event_id", "message_id"),
        ("event_type", "occurred_at", "url"),
        "Delivery and engagement events of SMS: delivered/clicked/bounced/unsubscribed.",
    ),
    Entity(
        "callcentre", "calls", ("call_id",),
        ("phone", "caller_name", "direction", "started_at", "duration_seconds", "outcome", "agent_id",
         "recording_url"),
        "Call-centre calls; direction inbound/outbound, outcome e.g. resolved/callback/complaint/sale/no_answer.",
    ),
    Entity(
        "messenger", "conversations", ("conversation_id",),
        ("platform", "handle", "phone", "display_name", "started_at", "last_message_at", "message_count"),
        "Messenger and social conversations (whatsapp/telegram/viber/facebook/instagram).",
    ),
    Entity(
        "consent", "events", ("consent_event_id",),
        ("email", "phone", "channel", "purpose", "status", "occurred_at", "recorded_in"),
        "Consent given or withdrawn for a contact point: channel email/sms/phone/post/messenger, "
        "purpose marketing/profiling/service, status granted/withdrawn, recorded_in where it was captured.",
    ),
)

ENTITIES_BY_KEY: dict[str, Entity] = {e.key: e for e in ENTITIES}


def landing_dir() -> Path:
    """Landing root, from ``CDP_LANDING_DIR`` (default ``data/landing``)."""
    return Path(os.environ.get("CDP_LANDING_DIR") or DEFAULT_LANDING_DIR)


def warehouse_path() -> Path:
    """Warehouse DuckDB file, from ``CDP_WAREHOUSE`` (default ``data/warehouse.duckdb``)."""
    return Path(os.environ.get("CDP_WAREHOUSE") or DEFAULT_WAREHOUSE)


def contract_markdown() -> str:
    """The entity table of docs/contract.md (a test keeps the two identical)."""
    lines = ["| folder | required columns | optional columns | what it holds |", "|---|---|---|---|"]
    for e in ENTITIES:
        lines.append(
            f"| `{e.key}/` | {', '.join(f'`{c}`' for c in e.required)} | "
            f"{', '.join(f'`{c}`' for c in e.optional)} | {e.description} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(contract_markdown())
