"""The practice quiz's hidden answers: salted digests and sealed feedback texts.

The answers cannot be read in this file:
- each question's correct letter is stored only as a salted SHA-256 digest;
- what the quiz says about each option (the explanation for the right one, why a
  wrong one is wrong) is XOR-encrypted with a key derived from that option's letter,
  all of a question's texts padded to one length, so it is revealed only by
  answering with that letter.
This keeps answers out of sight of a reader, not of a guesser: four tries reveal
any question, in code as in the UI. That is why only first answers score, and why the
graded quiz (:mod:`course_lib.quiz.graded`) has questions of its own that nothing
student-side can check.

Editing: after changing an option's text (or the answer) replace the question's entry
in _SEALED with the output of sealed_source(qid, answer, {letter: text, ...}).
"""
import base64
import hashlib
import hmac

from course_lib.errors import CourseInputError
from course_lib.quiz.bank import question

_SALT = "mobile-course/quiz/v1"


def _digest(question_id, letter):
    return hashlib.sha256(f"{_SALT}|{question_id}|{letter}|answer".encode()).hexdigest()


def _keystream(question_id, letter, length):
    seed = hashlib.sha256(f"{_SALT}|{question_id}|{letter}|text".encode()).digest()
    blocks = (hashlib.sha256(seed + i.to_bytes(4, "big")).digest() for i in range(length // 32 + 1))
    return b"".join(blocks)[:length]


def _xor(data, question_id, letter):
    return bytes(a ^ b for a, b in zip(data, _keystream(question_id, letter, len(data))))


def seal(question_id, answer, feedback):
    """(answer digest, {letter: encrypted text}) for a question's entry in _SEALED.

    feedback: {letter: text} for every option, the right one's text being its explanation.
    """
    q = question(question_id)
    answer = q.normalize(answer)
    if set(feedback) != set(q.letters):
        raise CourseInputError(f"{q.id}: feedback needs exactly the letters {q.letters}.")
    raw = {letter: feedback[letter].strip().encode("utf-8") for letter in q.letters}
    width = -(-max(len(r) for r in raw.values()) // 16) * 16   # one padded length for all
    return _digest(q.id, answer), {
        letter: base64.b64encode(_xor(r.ljust(width), q.id, letter)).decode("ascii")
        for letter, r in raw.items()
    }


def sealed_source(question_id, answer, feedback):
    """The source line(s) of one _SEALED entry, ready to paste."""
    digest, texts = seal(question_id, answer, feedback)
    lines = [f'    "{question(question_id).id}": ("{digest}", {{']
    for letter, text in texts.items():
        chunks = [text[i:i + 80] for i in range(0, len(text), 80)]
        lines.append(f'        "{letter}": ' + "\n             ".join(f'"{c}"' for c in chunks) + ",")
    lines.append("    }),")
    return "\n".join(lines)


def is_correct(question_id, answer):
    """True when ``answer`` (a letter) is the right option of the question. Stateless."""
    q = question(question_id)
    return hmac.compare_digest(_digest(q.id, q.normalize(answer)), _SEALED[q.id][0])


def reveal(question_id, answer):
    """What the quiz says about one option: the explanation if it is right, else why not."""
    q = question(question_id)
    letter = q.normalize(answer)
    return _xor(base64.b64decode(_SEALED[q.id][1][letter]), q.id, letter).decode("utf-8").rstrip(" ")


# ---------------------------------------------------------------- sealed answers
# Generated with sealed_source(); do not edit by hand.
_SEALED = {
    "q01": ("c9bd960d55b0f8022d5c50d34a523241ad0fea5305842871bf5584989e6ad4ce", {
        "A": "EmXa9odGauw+RQMQJc4TB3CQSupXYZ0blcNEsPDCPWGCREiowcVBgTFT1FO/ZAC+JQG+SdZeRKCOhOLV"
             "1tbMiUNv0FBNpCbRr6q8/afkgwJEWIx0/yKZPVxR5SjJEwd2WTmWylDtQXTO6TW6YylzWdBnRpOQGAoR"
             "Foh+XaXHdwFV1kI0zrvHlOZiISxbKJQX",
        "B": "0i6HmLMPoA4/m6bMoSH/KWpIJns+PhPEVGtvlTYEwVX5xeqs1UIog4yUHwWTL8kypLC/C50Fzdf9qIPA"
             "CzlYVhAB3NXeQE+i1Rmj+TK9nXcex21eVmL/iCgmWYGJG0Q5hIUPBXYev72WZIuXtPFm0SQJJF8Fq6k5"
             "6gxp5Lnmm7xGn43gHeHbI4cJZEQcs8am",
        "C": "EoK2+YJNEa2tFk6IC27L89NBtefJRVpLOoXs6KEjLZNZVlU/jrkOZ+i++4wSBbUZ8vlMUFIxZtAlQXKp"
             "+qjVvdspLStAoKlXgk5OILUMJo01j82sTwFigcaT1d1VQXiCP3lgk/4Ig+JbLA31DFwHMeHz/V6sa9VK"
             "2rbvl1REEiznOOctWQtECwHO8WX9QD+W",
        "D": "e2uZ2INnwF7h1MloidRFYEkzsXCOeYIwnZS0AMaIgxO+nA/xUBYVht9cDEvLsIDpCXfhgEPYDpkd+H82"
             "kRvbWQlE4LefgExx/GU2pCCwtZlDqg9dp7bdk0Vn1QEjt+tUvqMQNZFYByxtoUsah0SJyhbxE42u/5y1"
             "pcB2lWWKKMCJffY5Ife+Tn4OEMor5o82",
    }),
    "q02": ("2eeea8023411084335be9a0179f229590b6db1393d92877070432355fa6cdaf6", {
        "A": "jdiS/9mvVORK4pDxaRuMDZfjdKN/bFn9TKErqPjsoGn3ydiuEnBKiEaeTyzgfHvWtHjGv+Z1k0wRiiLv"
             "Jh9Wm05o7a84nPIYAl+LsmHK/8rzRL5fJ8/moV7Hx0r95DLiB4X4udXUpHBKDi19gHdFU1l2zC7IMB0M"
             "Y5ls4MBJjoMjvMoDaJFiPVjKdGG9q3Hm",
        "B": "NnqzSimxJxufjmYiVKC8hZjDQ1BO2bidXZdhFXAtK3K4QwNYyv83pwwGiX8lMYVXJMUXYowttdltytKE"
             "a6KMBwa9PgAtZqhfmXb8heWyauDFOdEXKDGNDwStgUCks8WjDCerBZabRquu898QM7IcBlVuVZsUL1JU"
             "T7c3IXSSjOgjhE/z5tOY8PwiqwGBB7k0",
        "C": "SryxOF357G2Q5u0vdJB2GXoGHCeWlQkzKccfrCDiNa7DtwQULMvJeeMy1TSQjr+D9vVZKwywU7AuU4dP"
             "OgR0ko/DfoABcIXN2EAs4l3vBJdVxvxomy3kZf2Djnte76PN2pyKPVbrY5jKG6toPFyOnOfxjt0iugRG"
             "syRTVMA+V0I8tpqlllfomw69uInpfVzT",
        "D": "/tX+hoACjk6MNZaa/cuzYNwwZKhWOn5IO+omtItAGfU7G8O/2S7inE1OLzWvZzFsLgwyuoky8MU1PMDe"
             "PH4nXlV+KX94k1PqHiKaqVQpoKgXDJWgg1wgpLyUcwcvAurBmQBP3smkhCqDFWz9JHN7fhv/WCgpjBY+"
             "lFPv9cGMquu7E1Pby1QGmeCYU4irJKzJ",
    }),
    "q03": ("93e29327ea5ee77ecbbf75697128ec654d316e52bbf732c1251c36ac8a9578ab", {
        "A": "zzAIbW316pCEpE9ULhuW2yX9gNnomxxqgV7nsqhtA9EdE6PqPNwsGUWK1tj0uiP9qKZWRj6w+KGX6PZ6"
             "yNoQBruxGEtBDzHIg2fgOvSp0eidhcMziTJuR5VD+kxd4V62+2INVdzUQO5kFfkWhaYsqG4vU0tr4XTo"
             "kCNaAuWwZF+7fSFM5VZ3M5DjqTkwGhvv",
        "B": "2Czfc0U0jWFmrrIDSSQhLAOuiJNOb1OJ1Fw9fK8H+uCDB8RFTuWjMu8Yu9g1z42ynPAoXaFHYnPzJ7wL"
             "3LwDAmzxfFZjhxPuRIsLNN9xzxZ3L8T+tADeY2FqNHrWLYGGyAf+3kR4h1kjglJy3fvOX8VXbyhdQoZg"
             "49WVK33Ngbegg45f0uq86DG8ojuLsGy0",
        "C": "8yAN0uzQj+yq6RjgzNdrSF13TSxdingX0CTxq04ZcjTR8nRq8Mk1254KoRzk+gpar3zf2DL1Fawbsxup"
             "9MJhVPuJy7+mIqFzFZHrBpBGH7/k6YRVXX1giVsa5UuD5nlyc1gC4p56+jDrzmq8gGXofpe4tO/T3Mv1"
             "+rE8rlzrD1gMxFvkMQrMfMXDovK5klKi",
        "D": "NZddrvidCIVOMXcHujEGjdjB69RcwwZ91+FNFpSEkGiJ/U6OGYngRRPFiyTnCGb51xpFO8Fa0MgW2ZSm"
             "fftVR5sSNtVlOHbC9NBb0cvqeiRNK0r0BiUSHAxPb9L7/+qgf2/elHUC1tryafRWBgdLJMcQpCOFmrv7"
             "sysGXnKc1EfcqhQ4YDprheTdc3DGydVW",
    }),
    "q04": ("9a4228df32e1876e39345c946481bfb288877a9e204e72bd1ce1423a10e7bd15", {
        "A": "+WopSSYh5NFoxpcAAWViVMKpiLpPva4r6TZqAed7LUj4IGTJmpRJ8L06qJennhymsFsBCV4lBs31p7MS"
             "ihjffUPkWiZ3ps6UL7S0TXu1rHBzPw+Ay1dXrB5fmROzFyWzPh1YiLzmhhM+4CmFIIIdDaUEmOsnO3yk"
             "OJKY3ww/EiE=",
        "B": "g1aIEx5uYyociKEN2HPHZihGEVk9z/RTjDD6Fn9LZYFyloCJxWA2iiDGbSUb2MmazDRdre+ZMPliBnjc"
             "O18MbSw44Q9Ro4vnBPf5Vlk7Kt/mJMdOzVrPKAcQAG3ZVp+em5tqOyibhN1nP/8527v4wB41UegMipIj"
             "N3yziufVKVg=",
        "C": "XNcrMQRn9dgWHiYFKp8GggOTSyawLU49gMXAkCYZSLKxYHLhLoqoN8CetjlDfSB0o5YXlGEyW08FZkk2"
             "YNTae94226KRVeiOzaldZIKXGFLVs95nWxtk+1qStmkeS+iNAGpJItFVHxAgy+z7m97gtAStcbkanBiV"
             "kpKnSTweYH0=",
        "D": "onJCn8bV7i4y6pSuFA9LNt9wLLvLIWqrwFJlkqAHuYYlTBZdMOx8njoSl2HjAvRRHaUxLlp0G39E5moi"
             "2QhfH5dv00ni0rAoUxBaARXmg4vAm0oFVYqwNC9Ijy94JOOtm1HA3xQyzOBbWkM87y3fTdZD/9BF/ajM"
             "T6aqiRCklqs=",
    }),
    "q05": ("0d73d88abdf08bca57cbd9da74e5df81e226c11881aaef7eccc888fc6e90f912", {
        "A": "BrgwcFQph+Ay1KF4Ctb8JIFv9eI370o47LnPEjFlsYCfXPYOn3/r0fPBp+0CHnIUMyf7PlhKvOKJgPcn"
             "hbQAqNwbQh+c2whw4+IfMl7b54LL6oz6g2hrbEyjH/AeS7RORnUOfcbx2Qp3oZ8TlqhauTrCyy3j9TGt"
             "4dYSXAytyRU=",
        "B": "T0LVoDpykqK4od7L2207X0f5bt6YXicH5xTeDnaBBrQBQpM/3ur0C1ZQ2OUZaoao+vcXXLcqgZdOeb49"
             "mbEthxBXrTCukQ00QlUQPg311HKVMx5eJ54PnWhXUWyot1/d7Ety4KdBe1pj0cE7arovDpWnYX9Mm/CP"
             "HeO77/CDpMQ=",
        "C": "51M5d6wOhA+2oyf4lZBe79fx7he+bF+O7OLpIbulynvExw70KZr1TSYlg1pp6gNnrp0JEGPxyhAotu/D"
             "ORl8i19aFfT7/3Y0GQM8CTzTzUbdSQY8xmuqOkJoKpGkRb/5gi9SmpgAPViV73cA5VBOiRGqZ8Aol1io"
             "Tk2qeqF3nwQ=",
        "D": "HWiMBNGoWcIMFFayJgXh9w66KPZD5euC3mTB1P5QwIK9RGWLTSmMyxogxx7f4Ygr4JOvyaT/67vfv47H"
             "uIpSGkytiLSskksnPH0ht3XJm896N3R1HUcFvufMLMtz7HWmHM7NKg1pfoyQ/skk/VD1/9CDnqu/mn9S"
             "G2Fs4feE7Dg=",
    }),
    "q06": ("2bd105230e7ad53678d5642eae542e3c20bc0a9c139847e3f68ce493c55cf837", {
        "A": "9J1QWbgLcO4LE7y7UnVahhXt5UfvuQu2SckAJLNYyDCn1mq6GsvbrvofpwMKG384nonCFOOlJsHI7lII"
             "GXq8Rn4jaiA7V/UyFuhAjajJ9G926tW2wUimvyF4OShswtm6iVD988d7z22BDsBDh86cgUDDKv/uPgf3"
             "S/qF8dOJuxNsaDIZzXLGzLTZbq73QVmM",
        "B": "UXobUYgpHEiG6w1kwUgwwx1zTko5wNyAC6SmJmypo01uh7s5n4T63VgTiZ5w5jkbmXC5cDt0zsRecqMR"
             "mjZa0o3yXD8DeC+VxoMsTU/B7olw3nXvSqW/GT6akYS6nbhANUqyTSp2w6s9o4qnqsn7vNUpY8U2ZwSF"
             "FJNM/TlB2ZNNPw4tXmAcnLREbWGsBaXP",
        "C": "WjuO4XBbKlP7wM5seK7ks9JcEaYEzjqxBE1gLQPdBAuvc2zD9nw4Tz98c3xXMsLYZ5xHaertZcf9LVIt"
             "Fql8hUGC/IcNydRzACr3Nr85sPgMd/dUUZJrIJhuPFPEMZRD7ny/UXfhm74lYcxRdsrIT3cYRVK/ykpP"
             "eCq/TbkqePSKx5P/MYiTRMmwBp5lM48a",
        "D": "mk0+6bo6rc0/zOlYx2PnNw7inmi4LWQSCFwb9FV+IGPLin4A7ibh+jSvtEaHtOoh5pUR2ageAt9GQQsj"
             "1TGGPMEkrlhrm9BSTh1U5VtWNqmimBm+mrDcnT69iqiM0GA/ZLL7r0pkL02OGAUL9WMLFnCj+WUp/0V7"
             "d53+fGO/FB2V77OS1Vys8FlCGn2V0wDY",
    }),
    "q07": ("d69571871357530a12e5a2f3ff7ef3c0f8e2cb5810fde91d41de1945491d8383", {
        "A": "IyommxmRaVd8e0oPA0NHd9rjIFVNU0azM5OVYSoPI4GGFJ+tpN0IgIL9njnseedsICSgLkwheZLBtQrN"
             "bu3f4W195Z3dAeey/nc8zMn6KjgKp/MsXNkBMJG0Yra3g3faMZmOirJ0F95W3+xPqU8XYw==",
        "B": "hH+E+Sd3TT6msTTx78R8aqV78md/suXNEWfYYWgkX71fKxY2eV+W5rVkqyxTqhnA3K4uHWmTDjMb/zEt"
             "CaU5MjhpwV2NO192Lg35CXnvbkVPgxh+4mUmYih3aZm/FMbP+h21l4enQGdVYNfQRS0ywg==",
        "C": "51bqfp4ZMbiH9VzjNE9Qw/F6FdZW861AkHkMNaIWc3eQvw0JY4yfinnpuyCetRiwPjkvHw5nVraJho52"
             "xfPoKd5TOstrk8xGvzrq6yitiBGTHwdVmWEFtU1jMx9IbRB2skLvYPlA0vquiANKQ5YS2Q==",
        "D": "yZHNDKG6DkhXibepjagn4SC4XEUZa7RcaVht4HySPH9/pPKPBQS9FMW95skHjemQV/pade5jQd12Tspa"
             "BLYIXVEaLvIQgyVt6hdLJDCWFhi3UHI+ocsiPt8Yh79v9Ht39JU0uvP6Cc2fm7EuJOoXeA==",
    }),
    "q08": ("28e4588878168be126fa05c7140f5ed04c1ea43a2a9bdea12436f6872234f5f2", {
        "A": "V4M9yZkJdUf4MLd7hRin9afFRsOTk1C0Yrhc+h1Q0sSrbXfpcnsCNcLQdzBsHOmUkew0AgNtIREIwM2Z"
             "yfZkJzG+LAFno8bASY+A0NabGIzauVIWaY47Dm+vcj9wvQbA399H8wrncJXQoaQn9QxcDF/Xk2ILkBwO"
             "B3jf1Cinxb5L5oJ85y9Rc88h08xShut8",
        "B": "mdUBjQoF8V2l+gBUcSnewlslentK7X/A18kPKIKGBTckoVVgb8pRwVKZ0f8FExrJED744NC3thaYhx6/"
             "/IVCnxHtBMfUj65AhUUW/wWtG1iKHHCYwPGuYdoSfPveT8Kf5+cw5vhBWrR7lxDnRRyqU48p1MZw56KA"
             "sKvtEipLcDuUDxveUs0fdcoU2MVnqjPP",
        "C": "TzsrdUxEY1zzolocJqSVskflQgW7LqTHebojXzW6Q4cuXPuaURrBq5/GDeTRed/OSEHLVG5kr9pCydxz"
             "Qlrd2i5SMBGrGiNr4RjzFyulfuq60FknInVhM4ZKFXeiOU9v07hKDa5racRh6J12mTKdAa6C+VRMNpQj"
             "RGT7jpMjPDaV8HdlQTskN+nvSToX/te0",
        "D": "UKKYatpwD4AUfoHjVypIesbv16CgkS3JGQG+FOwJN0iT58tSiZAot7+3zS5eVv2Q5KUgmyoYbUnEAGkB"
             "h9tW6fZNP2HeJtkFdf2+2usLaxovACixnPZUj5RK/bNew/zjSA+BlJo0VOEDuLs+WvsjzYnJQ4fTcJF9"
             "j8WAL+0MWv8GCBl1514w9Z/ZmPc0ddwO",
    }),
    "q09": ("bde5db35de71e3977cc59ae4f7b6724759bccf833e5168f6efb8e9399226bd1f", {
        "A": "fNWTKBu2Jn5prVgprAja3w1jJtw8Bd44LiVpBFaHPeogkkxMuzmh25kvtp3OZjjZj/tJX2R1MKXB92bh"
             "nRvi5zJkTF0qbSudgCtMaRp9+KB9xV7QV4B2T1PDuk4PcdnNBqvTnyjB6jsWk2GZp/a5ajK/7ZSytZC8"
             "1CFdu6oAa4g=",
        "B": "TZ4+Tkf0mXqvyswPk7j0J/8alIMME/+Z+Pju+zGltdX8HrgxphQG3ey3yTDTrEYBWOv4U4qXqi2BAKFS"
             "hE7p8t1i332Y5tA4iz0WkSDKPfY4GvgMeIA0qeVQ3SieVJZjd3iFfRuem/ReCjtIQFk9kWhuxUfAZWQv"
             "PClvDRCzgbU=",
        "C": "mcW/auygttY2LmCJPexKqD7A/GBUBjSt6c0XWd1EHqoYxufaHAavetp8ahwKrVItfP5+Mjvf26vk77PF"
             "Ax1o0mzAAPkwLyigAvi/K/Lb6j5o9lQgia5gq9m6Wa1SVozrMmQw990k1VMmcQtmIw5KEe6HrlXE/yX7"
             "8+TsgGTR66o=",
        "D": "7RlA+Vg+qBI0Ln31OoxnTJVJgMbDOjmxiyeyrllH15rbri596EmXrNrHPlIPjtHMZS8FU2iLC0o91FNe"
             "hNNsscX4y5U1miPiKqoDSLyotWXkKuf+akV+xeXT7x+iHl6nD0rIhnv360o/ZvKQI6bO78GHhrPbENK6"
             "spCt4SpHVZU=",
    }),
    "q10": ("08b24e6a301ff77d88956896144ab8b91fdb1f3f68e67d817cac1f094191d76a", {
        "A": "b3qdozvwJNfYd4j7d0FqC0WKj283/w9gr981X8k9JGSg6K09BPFrj6HogpvMCGCIWeHNHOTTWxTXaPzD"
             "Z8rDW2Tm4+i/uVjGQp9iDtFgxTfx2SkwnTa1jlyGhm1DtBhUoCSbZHh7eUuAd39vRM5N3A==",
        "B": "JIUBV/AH2AkyFcSYBEwQpFYTzCeu5JbVaKItb4BpIvsCgSXPIlCWy46hrhK96wCK1FbcOlCgZoN/XIdc"
             "sZniTCNV1yDrdkRR0Gq4xws6dCWtoGaMZDWvIJ0PkndYDUJW7nqw7sjdx+0/pVxaxuJWvw==",
        "C": "d+BNQA+Qtz5Bbe6idPXxxyUwV9DDQoeFHQoWGcMfmH4MaRFY4+kgzI2Niauy4ptJP1/G0rRHQuEwsPa4"
             "xO8rGdIxW/WUQUwJMVNUUSRwMNtNEqjBiKAHeaw0PElSZw4XiOvcO5l7hGoJWGMS1kRg6g==",
        "D": "x44VvMYaXF8oC3WUeC6qldufw+Sn8cmQ6Ek+16NxGxV6oG8V7/FP6VD1YcmbiocfLrmSQHa4ls2gOCEb"
             "ua3sup9KR57bhcucJzrnNUk35ZWo1cJrEubx4oObESGI8G45xY5eVZ4BPXuH8IWodgUX+A==",
    }),
    "q11": ("84688c0e8fca5c509808c9b04088cd2669794e4b4355cea1e8fdf31ed76b42e5", {
        "A": "t55VxtEJNYADsrenxeIqUiGeaAWMWvjQRUtt4SCwtvMfNYAdEcoUwJIP+SA0EEt7AtZSrSMF7eQMCSJ1"
             "czoHyKJYBvPDW1sQVNHE6Zphd7LbZ5ZiiyFpVGadavFywB5EJPs1RDCTke7W9OyyOEan8mi71Eotlg2a"
             "725JkoCkitkZTKwHjS1uQm/eHbD9L/42",
        "B": "6PFFc76SzTJye6zfMAEWDJ07Pb4FNtyS28GSiop/KidJOshi1GcLjgrRdjeiU15kWQWu7CW6e7yhQgkO"
             "uL2vwKm5JSENPxG9Ut7f5ol9WNkLHPLE6S66bD/c//zquhBK+OKIdllBmP7G5+eUKxb49WRAAucn9F8U"
             "bN7c/B65Jr0+rcBN+ZMF3wARWBNrQDHy",
        "C": "ZZhc5Y46Cze+viTw4qZMQktClN5w8vbjWdBx1HpXg36EPv5jTaccKgvWDJzmaeLFRfvm8OdJ4rKQbE/Q"
             "ptIfuEfYiacSJ2MozrMcdNB07JUssZa1ug0mIcBZs1gC24wvsz93NfRZ/cpHmZiAmWTVJT5030kTjju+"
             "p7hk/6CFz8QXQl8r7jRLTEhjf57zallc",
        "D": "UkitCosHHh8rkRADB/+KKjDmeykEQmby6BRO4ho1ooyALDnHENAaSOENmfdnb0ZiZvdHRX2QRTLMaGdl"
             "7ZV6u0TbBtBz/uwr3lL0mGRsqRmEGonL7XEbeCl7BrDtT446X68eEDdBUkZdaNp8vQj/eNqaoHkLhFe/"
             "6UySi0vnuqc/xSxr5LcbWsgvv61ZUFOg",
    }),
    "q12": ("99a6ae51f23ea64758e2037e4c8c345d6f62b4e77e2b12c968c0bf223e8e4d7f", {
        "A": "9uu85/bEBGZrfDU3QZL8S+rwe2ONoc7yG16GDAs0JEPvYqDbBl4hPgwZCxr4gXuMmPvsM6vIxjeRKOmA"
             "YE6zXBcvLbOpWkLrgnpm8it5M8FmdnhFqf+CieCANnR/sdUcZWQv/eD8IiX3jSBOosLWq8Me4PKMTXxB"
             "iSNBZNcmNUo/a8f5jVGPLZIN1nMfDsmy",
        "B": "4Esj8R9Bt7HFBV+6bGlMkel8O1mXxAx5vRKCAQOBdWHUy9Gej3eG2sGNYrLdRr5sZekrkFAAFQF6oKng"
             "IiWJcvJCDb1kGub8RdOQMljAbtqFO9ijhKtGCQRtaF81ZROQT0kbRYiRMo/8i5pxR4Im4nNZkJfCXO1i"
             "ls4T4HfskDOPP3d5krUHAB089etM4hsV",
        "C": "JnDDmDhiomRxkGhy8O4qlqYYLMs9c27t0Z+HMt5NNcMpWEFg0jxhb+UHdJS6ayVwuDUA/a0xY0SaUSHc"
             "TjWAz/3tkyW846BKRCEj755hPyIahjdXVUx3ZY6kfwESVLqsW42OdBIkM6jjlYfK21BZWAvRDorAZUst"
             "ZLWqwaeeUEK2ele5cB1U4qLbMdT3z20/",
        "D": "Xx6HBrP3TEKxn7K8GyLJMsM6iMWo0xqyM6R0rkYHSuCeLJg796LBcPmVoDDJGqIyBfqGn/rrcrYqWXwU"
             "Y/YiksDs0GHv7jkbU6JXFNSP1eU+Rnlib0EH/LgZ1a8qBzKFft3fyDTFEk726/ezvBPxV63OVx1/XOgo"
             "hRgx/AqdxJnGGCObpEAt/rEUNsuL9bxj",
    }),
    "q13": ("e59deaec9f9cf487cceaf442329f14e6a7299b1c7c1265e6b0a126b58e73e61b", {
        "A": "CSQMIAlK+3yzFv2+JxBxXxp8P4+6mJFSaprKpzD5azoQJoiM7SASGx43bkEVVk1R5CK+EacN4gpzWEY3"
             "9O5mehRyb/bpzRGVmOlBqGevQlqgb8dUwnMx2rMAjxy6hvrfizKKIcsoxHUwIJL9agM2dg==",
        "B": "BuXnxr/f8ubgyG1wvlCz0zyeDg076eDbbNoTSnQF+Z8Hhu81jo+krShkkNi4WoEgdi8Tadj+xc/ebISQ"
             "UMOgx4JCI33OgozgLUm2qSIfq/Oi8idAyM/YnzBS+TBGJMtwLDd4OsQW8rz2vZc0dKP1Fw==",
        "C": "9qY78sh1UO2/38WwVJnsj+UN22TElTYrt89TEJwoTB2M1lX9SNlSn/uOvAy6BI2K3UqzpVUFgq8kUqAm"
             "6Kcl4AjJLp1y2r0DL79WIkHnIKVk3/CFmJ+Qwvh2o/J9gm79i6M4SEeSXA1hmZyFXLoWkQ==",
        "D": "ZyJWFcrPj85rlqb1eSMHvpYIwxX3eDHjidlnTMGKLsOty00owbayC3ggJWCiOY49oRw+RD5okfJMUprT"
             "s1HuI0Zf0MPflhlMnTPK+ihRyGLeocwB8jUrMTe30BNFNc+zttG8QfsIeMzRYR2bk++LBw==",
    }),
    "q14": ("6aae2254b3ac52098fe9042bdab6ea37c62e3eb88458a6ca4998e571ebd22c21", {
        "A": "3zlRZHfCXBPN8709IJiZT86P6pPryu4c2MHZefayc6lK5mdA/GAU72aM2NVcwn8oQyb0VF+rekNRu85R"
             "/wMvqJkicf5BFEeIUDWVRNoGbDTkeWDMpRUDQ0sp3un2WtfxjBzfcCdYNKvV+iiG1ruNPnQsU6PdOfKQ"
             "dXXEGUd6/2KD4cTAN/3ThXQJ3MJrQn2TZGWnoXmllw/Hk+658dEfsw==",
        "B": "B2eWoh5GoHVEl6BvnjvP0MXUVVHYzPLrOKh7GoOBbkyxcldC0cCxfHW6S53vx2TKSpe7hP7FR6yQbZlC"
             "UFwcKvpOiNDxpX+ui7NANM2wUpuUpNro7uXfdGwrr10y61YnNVgUU9VoqvhDebZtQYbOXyQ73/MxTPKL"
             "XO+D3/xhetmKzCeTX2aF3Ixti81k6BubavNhivKj1l8eYc8NoGMoZw==",
        "C": "znBACd4i/q5YM+/6Ud9X4kOFh13WVvB8lfI7f/jkdHQnGRd6iPqAbv8TxxHYDDlM2tSrEWSKEaQ25BhG"
             "CooEw0qRpSYqeWoxbpuI5aTGs9OSHdM6B47WLRnELoRx6DioW3UA2dINYm87RToloSkyYSuBQblf2x8x"
             "smjrGDfZ6TqHde72JTLTiBeNLWjBuN5+nfXIkJqTpDpZpnzrjMcrUQ==",
        "D": "3Hht1mEpQ2knsW15Mf3+fi3auQbEMoeUOh6lXkiWZBVyTX0ttYBH0KcYi/0vZFMorKMMhMkkIIJfOxV2"
             "M9QZKTJQoV5fsoFJhr+q+dL+SIoL9e1Js60Iyi2DPMpLYsDKGLZDwbhXLO5D0NNOtXwLIb5kTtn85hJl"
             "0Bt/x9nePYbvwfq73vXIo5HqXGL/k98cGECkGZWskP607bDrT4cZmA==",
    }),
    "q15": ("deff38a5f27bbad55c2da2887f723895b3bbbb640169ae7f79503bb433738c56", {
        "A": "Ekgs+9G3OqHhwTqy8U+AmMhJnjybIg97p3+NzVASBRDMMd+665IyQUW3U9/oN+R8+VTD4u0hQ9jHf58K"
             "BIkuuF69KQVp6NBr1f9s4oe5S4QuV7pE41dkitYB+VeherVnQL4ou5ifLardd4JAU9p5tws6ZOEIKzhx"
             "IVyu3+lv7n2Cv82sj/KbVfsSI0hQIuyU5tkp4EfXPKTxp4HYgiXQ4yeaTMrYcFsY6QUj54Zs1HE=",
        "B": "79T+egnqGuCv47Bkjijhk0MHIFbkzWmUmYlETPQ/C2Q5S8LJUQdUiQ4ODIK9h52A+fd/kIjw8NVHr9HZ"
             "isEVBTSYq5Gnqp8IHlyeQHbT4mfY09aGgp6t+gWbpr/bzgZlKjRTbnqqqG3cG/aJgWgqMqMg9oNdyBQo"
             "+i9cRSnd900WtmP2GkHxzRtZRD2BmqJzTXGj+Yk/jt1U39iz4gaBLnbE8puRGEnaKzaKDbhvgpU=",
        "C": "4p+LcWaLFZc7dv4ADxLgUeRhC2XkXA+5UHzV93w6DCZhGp3OP+Hd25/jh+NodBabOp/TzBYc7QxxBO9K"
             "6ZabW8aFTm7tyCklnhzBxSmMnnV3gRrTJxjzdClNdc5kDU5wdyIlE//V1mz9ckKC/A1l+0J5qPJo1GFf"
             "OiFhR2o3V4gbCmTPgoz+wsyAHcRCkHHMUz91EeivDlS6cJ7plOlS7IpLB/4hE8V23BfR5dSr97g=",
        "D": "ncU0x8JWrLj0GrjYnhpDAvSeuM8TzjCJ8alFvEspvN3YXKmT8E8wpQkV18Wxa9tMHBKMEh3AZ58c6c6s"
             "+wOU5oh43lKDONOTEpM8nJT5nVkGspOb/O8dFADWZKftx24aU9HXo9JZPsK0+1zgFwuQ9i81PHpDfb0y"
             "tmSla1vcl7rpEOobDdX6Vx34hvenaMuqjBtyj5laPkikbl8r/CwHEdHmGqXpwVvolQv+5ekdwac=",
    }),
    "q16": ("d949445624fc826b70b3e4d97f0fc4f81dd866df79f20e2cb4669d9b378bed16", {
        "A": "4cmlvqT/mCueYPOa7wlbgxHFESmkiwkZPhhE3nDgMy01LU4KIqgBg+7OBO/SFtIx2s53fqqduBJ+WRbq"
             "LrcwiI+FoMq8dBThmh5od+rXnRh9SpQL0PmWGT2p/r3IE+SEL37Wd6kQUL9avb6tY8nGVgmquHgcgJQG"
             "w/Ig1VgcWfwucFVdpPrj1KccPu/G1/KOfEw7hfBMVclblVfpUhWgxxQJOQTSb+LdzB+bSm7oStU=",
        "B": "9xNu+rzRgHkXW3f4NsFwXyf2Eb3pbTYGAd0MFTVK3KWqN8p5JIOTPOzaKi6TA92NoxLKJVq+2Ss5bO7p"
             "ctC6PEBa5oBLywbCjlJ4gFKaYrZzIqipqhZPiW06jTXmv+8klIwWRFAffpVOXa3GJzfnA7hxzOaMuKIZ"
             "jyY8Jl8wAjqpBI+9NBq83zd7IINhjA8eQjrtn0Heo84E8oTTWdYau0wLyAGL22EzWiA3uuJMNns=",
        "C": "n6wkrl8BJBvmzQIIwILMfxhPt/3ule5chAeyE2cr0jBBpvlPMsT4OwAs0SFa+mIV5qFrayX5+OFYQhX6"
             "DeGoidn2Sd8yKnGNlNmdk/hcNBQjJymu9LpuD/4R8+PT9PhlF3l0IFJL2bHzol+2ohmHj+NMtkDcLXxw"
             "kS3FjT4RLItl4hYehqZLilkFKpqodKmFfmoNDKOsalX//Bo1brUOeGr1x+jzESMF4xurAW1pr24=",
        "D": "+siov1M8hDS4ewtZsugmfDZ/xPMFhHBGGfNvn1yW4MgyE6lTEq+x5+/BUG/NAk841GwU++Nc/uzejpNr"
             "vWBmj/zNtm2TfVgJAh3aFeNpjbFUSqXZ27GVBflnemKEuZ0US47uayaL3WMJ7DtdQ+HmyqqTeMGXnSdN"
             "5b4dS/Kfnx1HZRy+6HUiyMCpSdzno18Ax5WDydy1aU4hw2ruZ15BCRorSRkYFTsxPq2oHFWrcI4=",
    }),
    "q17": ("efbbcdcd4ef8af06e03db67a3c21a36411cff430252952df4d24e60c72831c54", {
        "A": "aThkjXHvbHa36h/ol66gMv30lMydVWJ7ULu13X9Oy8kAoezrWqQss924HwgZZ70znKp/BOwJjsSuRDHM"
             "kpjoQjtDYEgnwy50J2ASfG4fGFX9vdCQQ7/f5daAJg0CP1BH7a1mM8jiLs5TTktWeRZcvID8EFDE8QzW"
             "NcNqGLmLk4mglM9B6dUdb9nF6T0HYHRhJiaFJbTdR98pi4wpGwQV1Q==",
        "B": "EsdU1euFioo21plX6v8s3iBpewPHLfjlgecztX9GWy09ZCeSzmUcYTEVm38/ZLIjTpz7tGqknAkhn1Q9"
             "evxZW94e2q3GE+rSFwKodN/mF6dKxR3wHjHi8mZa+yFHRc7TfkiUNvmrXGwxw4C4Bq0n8BhN9wF/LnnV"
             "Gbah0CRFG81kJ9ePRGglFgWeYluSC9HP2PbuPnWLXiQRtxxN+zyk3g==",
        "C": "6vEoN/BZyZQoJFZ78iWirg7/aAWsMTgdvqyNx6j+AL7CqlI89IUk1JFmj5+ndJFePfBSaTCThCZi09g7"
             "ZJBqNYml3arUIIHE39cG01TddbQewqFh51ZcrptJRdbZ/U1peOcJAYmjEzg9L6cBaSferPvQxsxH0fdc"
             "sJ6LnDJN1B80wEgKk+U/5Uv4rblX2t0j83HF9xbn35DdqzCEGtVijw==",
        "D": "yA2JyhZt2LxnK0cAsp2gkWjUYb5G/OdjQ0/MIV2njSh4wxaKzaOwWL9UdwIh4rjl6ZazpaHVE6bRTuvM"
             "CaFV91jH2kQb6cWnoU2eH9kTzTvXsluYx6V+rS8cZyJbvtLODlqyulZkMVDf0TwRmbrGaVkJvsDjsGlC"
             "Iz/1bF2XBlXGAsEWvCrpnqBOS910TOkjjUEiB1fJPflJkaXbfL4xzQ==",
    }),
    "q18": ("bc57f49fa74dea6ca468c45ca6e49b47c54f5ca18909ac20d1a7e3aaf152c75b", {
        "A": "H8CXaH6Som4SKVEKxW5vucYis5wt/ZgriYKv47eDNDe0g4tbp40BJkNoLZf9yMTnVwlD+jh+54qIChpG"
             "4IEcSuDh8BhJ3Om24+uFlm8evQ6x1XP4JgidHGBR1IzB1slhSGhEGBgjJMhmSQ7LPYTkcgKzB1hU4mCk"
             "yMdApCnrYYg=",
        "B": "XcN/6FXAjQZ7heCwVNM8ihdU/8zqYcy8VruxzBJc7kGJWayNZFpFaU1mK/3hhQQ4ZMZU0Oe1RlD0Rn+p"
             "s5TslME3adGO4JrEjNDf5DcdjX/rCHTWinQ5hZwZ96Votd8Njd60MDGtYEWIfrOEaTo7dxX2uw0kAWaD"
             "ZqWji+sg+14=",
        "C": "lDuMfKEJE2aM+zM/3OPsYstffWL1HhGdMjR8zJg0A9bVjbZT783oiEBhX067JEDeoispDMmm2EtnpaaJ"
             "gfSTdxoZSk8nlfUs44CF/nOaxIMGgiqH0O9f9bsodq44i79gdBTdU0UyDkg0nR/Rc77aZeaSrO6RYVdG"
             "QcB2rBTjy+g=",
        "D": "oRS1BIv/zainn/C0tMo5agGzGuc886CNWQR0I8DAaoZX7LM4a8i7JOFqewn7wrj/eCGGmWPE4M5+5Y9n"
             "ez2L+zuYUwelEUW6DeYVHSvl6dECgdMQ7+UQhcUmMAYnLI1MPiJF2rBN/rVlOQsBeLkAPtemHD/DPlc8"
             "VSSqbyvLiIg=",
    }),
    "q19": ("da6618bba1697cfd7e375a8ac6bd1b2e7d62bf2880027c4dff891d0ca091c7eb", {
        "A": "xvsQHjIMEP+RfOK5hEA/4eveFXu8KuUzN+snXbb27od3WtCfrK6AB+fNyNLTm0y//nGC+dq1m3x1dhsH"
             "O6w9wskR8KQH2OTf4+WhMtKH8/zwUnOlD0jSro1pLmZ14+c6q9XFdqTtzMJCR1hJcaB4k4sMG94A9FTG"
             "y3582JSkyf7C8UCmFFlGYBbua6SKOavhs3PLYWbmhHmlShINJI1cpQ==",
        "B": "8o3tWGCJ33yCUyh8ACExJ5MW9FeC4sI6cKrneuo8nHJXvnRT1y+RDRLJaASz4RiIler8leW33odanPcc"
             "5d/q+EvGhGex/01x5pb/sLrwapU0rPIVL1AlzBkEbS9mZLoGj9DSSF8QGaXacaHAEnzxPrLQ3SPwdQ1X"
             "BKM2EfwSdlsbrplfHeExp7CXbdEHZqqIrPnRLK34pvoSeMOf6Mm/vQ==",
        "C": "GPc6+cDUIELM2+47LnRTC6FeRaLZv+fU0JVgJvxVbWTnt2Tx7EOAg0BtBlOACkpXpYDy/UmmDAefSOGw"
             "N9H/CS6LN00RAgyFmw7fQw6k1iyokyN8WRf8bYA1y3ENhawh+0AVjKsKFiCZDr8wJKTaAOxzYEKGGpjh"
             "BTWh3VFfrd3r5y2pAcOOLt8uuue7E+dSpi2nu69yqCRn0Qyy4GTnrQ==",
        "D": "usjUgCUZg867aZKrMe24EX62kQlcJYLqUE89hUYnhAwOx6dwL2+fmJS9Ol3Zv5xiXFOcJiuE4CduCg1H"
             "3QqVIxN6QMP7Yz+3arO7lvp/bShnTjydsjjqx+v7/xzZUgaQfDkbHKN5ybal/HfgY6EnR8TTaiCwBHHf"
             "Sb76tWT+ykt+Vz+WggqYo+sUty0r2ESRWUibA0+IvY83JLlHbwGTsw==",
    }),
    "q20": ("7264975b7ad87e2c589951bd8a9f5f1eb6840f10dcf919b702d20fbb2759a9f7", {
        "A": "0NRMS/1PDo/ZgyiEk3sEr6fV+rqgIOyWxu/+GeKIza1eg/AmvCDIyQpHYMgmUeuIpjODqauh5nlqtPvx"
             "t8DRrOwOfxtfIqypfR0/tD4CVecTz6lsSRPXZwfAP7e0bzd3H0Dk1VI0piInXLpboTwOlZpZOuQBXS9U"
             "4JeP3evN2bfZNu2fHRwWej+/3ezQXRgN54eXHTWcUXo4FBcG2zzyHw==",
        "B": "oVXXLGMlVlwenKYjTlyjmkeLTkz6z0n8L6Vj5aRifyj/R+hdEIItUNpAcut+Hzk4hAr2wCo2WR3xbqdy"
             "xAEga8kQVoz00yNvdQ5npyOeuieG9Iyl1AzwrUJZSKihH3BTlqB1tes/MdjOUWWHSd0DNIjj4Z58casx"
             "SZlzlplTtJBmzfu1NzDx8DYoKTrhSgEaRllBA7GK8JgXEiS45206lQ==",
        "C": "t4Ma92JYFMkrk1lq97jNvuyZXqbUt/Xq7KH8kYNT0l9wviC6UxH3QKUtebod65O9MxU7De0iURYZ7o3L"
             "r+CtWdLmsLrOtpbqiiJV8Utt5+wI5Q70jcCHTrU5rWOLe7GuxpyDEFP+OA9RJw3i+tm6pTHRc5/1oUYF"
             "8pt737OLQKB4rVm4/d1SxsFGMM36oTonA+uWOt1PCRFg5zxrcYeuVw==",
        "D": "k3SQdu5wYRDCLY8Uq94wyOj1jCwFRBo8JmT6yGLa8vofrhSBZjELJRUkfJaZ442+R9XCK1/6JFAlYXeJ"
             "NtkR8SlZdFLQuN61zdSpYQ1KTrSXUvKL7POZHUdAAZOP+QW0EpKHCPEGPfjfDCPXpCRVU+rqm84lKAZw"
             "zQ4ptobW41eRoRgJpPpnpc9q355uNvbYKrj9KcsPgYQECwH4IwrAbw==",
    }),
    "q21": ("b7e65a72c292bfb43958f4ec8cd0c5a4db2d26c41a29698339c502f92d1ab467", {
        "A": "mKwW0g+MZKlIlVjAkQPnUo0nlQ8d6UYnZh9XyNaQ7l9HvN2mAZ3Z27XwnILnEId0t9YXPDKXDXiT6X1e"
             "EBFgidfCLHeCe2K/DLYazXOi9Jq1STdBPerxWb4OeFzJodWccsjaYmOYp7qznFtdMkGvxMsQCD42NDcp"
             "TSBCkaJR8GV6Ry4APgix3aul4gW5LMyVbUiroZ79avj+IBbK7aZoXCRzZraAnsIRJeChkKFNS3g=",
        "B": "3XgAKrTH7vd0A4NMbydvLeJ0V2M3Aw0NCB3/hXyAhMtDKEGBSaJC+cLc9UbOm7CMX1X/AsvzOIaAZ4EM"
             "ssI01HS/JEpA0o/jbp+8Gwp/zgAhgtHMP7mxqHrD+WlSO+3BoE5XuRVwbzQ7LxCfiPaBCsxhZbqUy2nX"
             "G1327pzeUSWeE6H76pBOQS1utrqOscHUHDL1ig5jKotcQVOwjl8MQNnKAv4Se3/gMVaootZW2Y8=",
        "C": "mTmAN+l2/dauFwztDVAK9hFKMQPV06O39mydDRl04Bl+ws+F6Yf2bUJITfhk4+Vq1xtptMTcGPeAihVg"
             "CLdPe9rER9uFSyRQVuy3pqlsP+qx3qoikB5rTOezgDjry541qTwcXGWjd/CpNgMaSPjicS3S5qThIXto"
             "YUex4Nbd+w4b4lisUlb2FX8hM+uQSsnr7d5cIupooKZ0hLMAflsjDPtfbfL5n3IGMgrbdPTGYig=",
        "D": "zoMzsbwvHr8PRhO1zLw+pUrd4gNI080Mwq00HERMcAXk8C86+itvPAmnFz6t4f23jFcxcIdgBwYAJ23K"
             "cwsBuDxmL/89h8mHU2q4yr03NbzafaYVwYx4K+M+CBCJrDLWlRpHfYSlcP2KXom0If0eoMYhiQEFYSIJ"
             "akE6YglA02jr2VXrT9myBbg0A8jrocKiR6gL+FvSbRaZhtbcDkowpliMLn/rsWOYAdSAlJg3cI4=",
    }),
    "q22": ("d7d26f38df1bb2e4bb04419c1fabae042fd87ff8e5b3347a5689eb4a1533e703", {
        "A": "7zUvyYbJc0p+2F8ti6E+BA+24Muav3VUSNrmfwa9u/S3zMytM2Z5vgXY0BEjHNG8dcP5cIXzg37907rz"
             "LxmoBXSeY8AFMRqxZuUi6qg/wudR3kO3peEar0E+gk8dS5sG4CKMDIuart4wy/BjxL1HRODn3v3f8yCd"
             "1c8suvlQVkyia08BXujvp1T6l6CHtOeeLreIwcNKUc5Cukr/mqRV52oqgvcedvHineE44auHgew=",
        "B": "d5eXwhlYFDtHzzfm/KJWoxlf8xntE97LPbZh9iA2pUtWRl9db2J3HmhkvWKXV+vI/iBM1IRzOrU6o/WS"
             "ObURyNfGrVzfJwZBrdGKBOVP7DT5R/YTjp8o6FvRF2KBbq+vKmC83/GBfiF+t1i1Nka7kpsvTP/kbSQr"
             "MNT9w5KjVCmzYoJD5RQoNnUhukpyb5Imr8fhS3TkrSxS4JUYVMx8FoqK5WNnpSftgfS4ov8Yo/Y=",
        "C": "wUBxLVssa4P2Y1OeJWi+72DlDgJEOLXmyG4hJcMIhzckAr4wG+5Sf5oQCfj50mld0+9YnZvZnA5c9I4B"
             "PcBVkYGv+vBv/yQfLFsQ7meveXLTWa/bYZ6CUUDOq7+YyD26csCwoyVQzPU+1LMUg+SOUlWMRgesUY3x"
             "Loc0YzlO5wqRerGri76avmhkIUIA7W+EknGgY2RFMqKSA17pRtK35W2OGSXzNm/KzHaJEa4c6as=",
        "D": "vPs72dZaaQXlc2FwXSx8tk5HJh8sAbOwBX999cCQ1rNZsUEq+jTaLbd9Yjg7+WZFDqKHrHxQYJVwmqoJ"
             "ELdxq7iwxXz6vsgu3xV8fvaFFya4Ox3XgKMPYO1RNWi4IGk4IMP5CWKgXcv9AfnOLcR32+Us+qQ/FLJb"
             "IsltBNsAfyPg0CSJvotHVnei8lKwi3xPSw/j2h6GSXYmb1+KxRwtzPtreRpns1xO6Hd7cGaIT5g=",
    }),
    "q23": ("cbf705a14aa4ba9ff1bf19e80e1ae344e86198bab95012c555d1abb981349577", {
        "A": "YkNRHit2c7c6BCsgD1c+btarx+qaYdajIq68dwjT5K2qjhV/sP1Zg6xztcEAOj0kDoUvvzyDe26KlmX2"
             "7WnkSkRJH67mVly4z3vQL2Y/JAco7KKvP2iEARGaTrHOWv2lmmMf9bNjgj6QhOuOVr0F1EKk3ma/Rref"
             "paBmX3Ge8vLXA0v+pRKleYWwH9wm8Nb1WwHLC4AWi83OEUMSppJqD8slQBVyfHItrpYcAX7yPHG/jjIg"
             "XmBGrHiHj92oylCi",
        "B": "W9kMJ93X6toc8RGCKUfN4QXJYv6ZAbDcGBxeQl84gCHgYP1oKx4WSxpUupNAlZ5EoPUFWm0Dn8gDprIS"
             "ZKwuQk/O0bu3XI4g8fiOHUWtnuSBfNIkFqcTLNjDLPGWZIpPRCp7z4DsSKHtLwfB0hxyAi1LjiohgqMf"
             "wmu5nI54m6QbEZgA5ExwX2V5Zra/4AzVRSthcbE5spRK5eSvjfR7954d/fnAwkxEH31UiQLJBHVueLmD"
             "bUXASRxrPY4SD173",
        "C": "lKLPj6px3GbQGCcxcBvWgaOTNpaUgwy/YCJzBneGtLvkmOeaj6qNPY2NHRVGqG7DyKd3m3FhISKmpIBs"
             "FbXLrA+bpw8F1qyWxtVCVm11E7EAsxHYIozWvcpoeuiis8IGCBwYcwIPK9nm3yGSpxIIcqD8LWLTMRMw"
             "a9qS7+QrVKHdvCbSO+SoOWjOYqDoakMEczcmoNe/IMGr48Yu13ixen92p+UCKdBDAUvU+5n8CNE/+b40"
             "57u/g9QzTgF+dnme",
        "D": "NsrGXdIVBebCo5QXNifez4MGjlRbgD3Rj4g5kjZiEGybQJzfcXTWs/lCwB/XWc/ILdU7yymDkoT1saIs"
             "s9H5+4jCm04PvzP71nQU4CjXA4Azc7YOqKeqEYqU5V8v0WkZIj04B7T5oeCVOXUp2zXlKLLe/bKuIE1C"
             "93YPDPYv3prXtqNginCc7kOCP3KWW6GwfsfCmw5nEnaQxkJa1p6J7HmiDIqbONItdjPN7EkvB7wDnxHm"
             "lO+Fli0AKeP300Kh",
    }),
}
