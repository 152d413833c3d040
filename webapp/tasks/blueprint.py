"""The blueprint of the task forms and the plan van aanpak."""
from __future__ import annotations


from flask import Blueprint


bp = Blueprint("tasks", __name__)
