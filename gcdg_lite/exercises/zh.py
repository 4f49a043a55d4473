"""The exercise checkers' words in Chinese, for readers of the Chinese edition (``GCDG_LANG=zh``; the Chinese Colab
copies set it in their set-up cell). :func:`gcdg_lite.exercises.check` reads them through
:func:`gcdg_lite.exercises.language`; what has no Chinese form here (an answer-specific hint computed from the answer)
is printed in English, the fallback.

``HINTS``: each exercise's generic hint (the ``hint=`` of its ``@checker``), with every number and code name of the
English one (``tests/test_exercises_language.py`` checks both). ``SPECIFIC``: fixed answer-specific hints, keyed by
their English text.
"""
from __future__ import annotations

HINTS = {
    "ch1.1": "以采样率 sr 采样时，频率为 f 的正弦与频率为 f + k*sr（k 为任意整数）的正弦看起来一样，也与频率为 -f 的一样；"
             "把这两点结合起来，让结果落在 0..sr/2 之内。",
    "ch1.2": "n_fft 个样本的窗口持续 n_fft/sr 秒，其 FFT 频点相隔 sr/n_fft Hz；先找出既足够长、能分开两个音，又足够短、"
             "能分开两次咔嗒声的窗口长度，再选一个足够细的跳步（hop），让两次咔嗒声之间落下一帧。",
    "ch1.3": "嗡鸣声的谐波位于 f0、2 f0、3 f0……：找出能解释每个片段幅度谱峰值的间距，搜索范围要低到适合这种纹理"
             "（40-160 Hz）。",
    "ch1.4": "对一批片段：先算每个片段的超额峰度（EXCESS kurtosis，即中心化、标准化后样本的 4 次方的均值减去 3），"
             "再取这一批的中位数，与 5 比较。",
    "ch2.1": "一次只看一个玩家来读这段代码：每个损失接收什么，两半各用哪份噪声，每个优化器更新谁的变量。",
    "ch2.2": "一组点在圆环上，要同时满足三点：到原点的距离正确，这个距离的离散程度小，并且点均匀地分布在整个圆周上。",
    "ch2.3": "用 'non_saturating' 损失和本章的 toy_steps 调用 train_toy，把它的完整结果（G、D、losses、snapshots、"
             "track）作为答案。",
    "ch3.1": "D*(x) = p_data(x) / (p_data(x) + p_g(x))；把它写成 x（一个 NumPy 数组）以及两个高斯分布的均值和标准差的函数。",
    "ch3.2": "在只有一个样本的批次上逐步检查你的函数：插值点、判别器在该点的梯度（tape 里再套一个 tape）、梯度的范数、"
             "惩罚项。",
    "ch3.3": "logit 很大时，1 - sigmoid(l) 在 float32 中会恰好舍入为 0；找一个不先算出 sigmoid(l) 的 "
             "log(1 - sigmoid(l)) 表达式（本章讲数值稳定的 logit 的一节给出了这个恒等式）。",
    "ch4.1": "每个 Dense 层的权重数按（输入数 x 单元数）计，再加每个单元一个偏置；并记住修复后的生成器读入的是什么。",
    "ch4.2": "源文的生成器目标是 log(1 - sigmoid(l)) 的均值；1 - sigmoid(l) 就是 sigmoid(-l)，缺陷 4 展示了如何在不算出 "
             "sigmoid 本身的情况下取它的对数。",
    "ch4.3": "逐行阅读代码，对每一行都问：判别器的一步应当让 D(x)、D(G(z)) 怎样变化，又该更新谁的权重？然后在一个"
             "非常自信的判别器上检验它。",
    "ch4.4": "对给定的频谱图计算谱收敛曲线（本章的 sc_curve），再选出使其值与 64 次迭代后的值相差不超过 0.02 的最少"
             "迭代次数。",
    "ch4.5": "第 t 帧的相位等于第 0..t 帧的瞬时频率偏差之和（编码值是偏差除以 pi），再加上一个位于该频点中心频率的"
             "纯音在 t 个跳步中前进的相位。",
    "ch5.1": "先描述真实点在哪里（它们的模式，或者干脆就是真实点本身），然后对真实集合的每一部分都问：附近有没有"
             "生成的点？",
    "ch5.2": "求判别器 logit 对输入片段的梯度（tape.watch 输入），平方，在每个片段的样本上求和，在批次上取平均，"
             "再乘以 gamma / 2。",
    "ch5.3": "这项检查把整段片段的对数梅尔统计量与最近的训练片段的统计量相比较；什么操作会大幅改变片段的样本，"
             "却让其频谱图的统计量保持不变？",
    "ch6.1": "取一批范围很宽的 logit，在 GradientTape 上计算每种损失对它们的梯度，再逐元素比较这两个梯度。",
    "ch6.2": "对照第 3 章的算法（3.6 节）及其数值稳定的 logit 一节（3.5）阅读每一行：这是哪个玩家的损失，它改变哪些"
             "权重，会不会溢出？",
    "ch6.3": "对每种博弈，把两个玩家的损失写成 l_x = 8 和 l_z = -8 的函数，再对 logit 求导（手算，或在 GradientTape 上）。",
}

#: fixed (not computed) answer-specific hints of the checkers, by their English text
SPECIFIC = {
    "your function returns the same number whatever f and sr are; it must compute the alias from them.":
        "无论 f 和 sr 是多少，你的函数都返回同一个数；它必须由它们算出混叠频率。",
    "a frequency read off a spectrum is never negative: a sine at -f sounds (and samples) like one at +f.":
        "从频谱上读出的频率从不为负：频率为 -f 的正弦听起来（采样后也）与 +f 的一样。",
    "give a pair (n_fft, hop) of whole numbers of samples, e.g. (256, 64).":
        "请给出一对以样本数计的整数 (n_fft, hop)，例如 (256, 64)。",
    "n_fft and hop are counts of samples: whole numbers.": "n_fft 和 hop 是样本个数：应为整数。",
    "a fundamental frequency is a positive, finite number of Hz for every clip.":
        "对每个片段，基频都是一个以 Hz 计的有限正数。",
    "that is the period in samples (sr / f0); the exercise asks for the frequency in Hz.":
        "这是以样本数计的周期（sr / f0）；练习要求的是以 Hz 计的频率。",
    "clicks on a constant offset are still clicks: subtract each clip's own mean before the 4th power.":
        "叠加在常数偏移上的咔嗒声仍是咔嗒声：先减去每个片段自身的均值，再求 4 次方。",
    "you call plain Gaussian noise impulsive; its excess kurtosis is 0.":
        "你把普通的高斯噪声判为冲击性的；它的超额峰度是 0。",
}

#: the words of :func:`gcdg_lite.exercises.check` itself
WORDS = {
    "correct": "正确",
    "exercise": "练习 {number}",
    "no answer yet": "{name}：还没有答案——把 `answer = None` 换成你的代码，再运行这个单元格。",
    "refused": "{name}：还不对。这道练习要求你自己写出它；`{own}` 是用来检查你答案的参考实现。",
    "reference used": "{name}：还不对。你的答案调用了 `{used}`；这道练习要求你自己写出它，而那个函数正是用来检查"
                      "你答案的参考实现。",
    "could not check": "{name}：无法检查这个答案（{error}）。提示：{hint}",
    "not yet": "{name}：还不对。提示：{hint}",
}
