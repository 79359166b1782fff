"""个人: probation, retirement, 职级 promotion eligibility, missing annual assessments."""
