from flask import Blueprint

bp = Blueprint("letters", __name__)
